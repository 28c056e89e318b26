//! The digest of output arrays (PROTOCOL.md, "Timed work re-verified"): SHA-256
//! over each array's data exactly as its `.npy` file holds it after the header,
//! so that the harness gets the same digest from the files written.

use sha2::{Digest, Sha256};

use super::OutputArray;

impl OutputArray {
    /// Feeds the array's data to `sha` as [`OutputArray::write`] lays it out
    /// after the header: C (logical) order, little-endian, in its own element
    /// type (`<f8`, `<f4`, `<i8`). A transposed or sliced array is read in
    /// logical order, without a copy.
    pub fn update_digest(&self, sha: &mut Sha256) {
        match self {
            OutputArray::F64Vector(a) => feed(sha, a.iter(), f64::to_le_bytes),
            OutputArray::F64Matrix(a) => feed(sha, a.iter(), f64::to_le_bytes),
            OutputArray::I64Vector(a) => feed(sha, a.iter(), i64::to_le_bytes),
            OutputArray::I64Matrix(a) => feed(sha, a.iter(), i64::to_le_bytes),
            OutputArray::F32Vector(a) => feed(sha, a.iter(), f32::to_le_bytes),
            OutputArray::F32Matrix(a) => feed(sha, a.iter(), f32::to_le_bytes),
            OutputArray::F32Array3(a) => feed(sha, a.iter(), f32::to_le_bytes),
        }
    }
}

/// Feeds `values` as bytes through a buffer on the stack: one `update` per
/// element would cost SHA-256's buffering per 4 or 8 bytes.
fn feed<'a, T: Copy + 'a, const N: usize>(
    sha: &mut Sha256,
    values: impl Iterator<Item = &'a T>,
    bytes: fn(T) -> [u8; N],
) {
    let mut buffer = [0u8; 4096];
    let mut used = 0;
    for &value in values {
        if used + N > buffer.len() {
            sha.update(&buffer[..used]);
            used = 0;
        }
        buffer[used..used + N].copy_from_slice(&bytes(value));
        used += N;
    }
    sha.update(&buffer[..used]);
}

/// SHA-256, in lowercase hex, over `arrays` in order, each contributing its
/// data as its `.npy` file holds it ([`OutputArray::update_digest`]).
pub fn output_digest<'a>(arrays: impl IntoIterator<Item = &'a OutputArray>) -> String {
    let mut sha = Sha256::new();
    for array in arrays {
        array.update_digest(&mut sha);
    }
    sha.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The data of a `.npy` file: its bytes after the header (format 1.0, 2.0 or 3.0).
#[cfg(test)]
pub fn npy_data(path: &std::path::Path) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..6], b"\x93NUMPY", "{}", path.display());
    let start = match bytes[6] {
        1 => 10 + usize::from(u16::from_le_bytes([bytes[8], bytes[9]])),
        _ => 12 + u32::from_le_bytes(bytes[8..12].try_into().unwrap()) as usize,
    };
    bytes[start..].to_vec()
}

/// SHA-256 of the data of the `.npy` files `names` in `dir`, in order: what the harness computes from the
/// files written.
#[cfg(test)]
pub fn files_digest(dir: &std::path::Path, names: &[String]) -> String {
    let mut sha = Sha256::new();
    for name in names {
        sha.update(npy_data(&dir.join(format!("{name}.npy"))));
    }
    sha.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use ndarray::{Array1, Array2, Array3, s};

    use super::*;
    use crate::data::{read_npy_header, test_file};

    /// Every variant, in standard layout and not: transposed, sliced with a step, reversed.
    fn arrays() -> Vec<(&'static str, OutputArray)> {
        use OutputArray::*;
        let f64s = Array2::from_shape_fn((3, 5), |(i, j)| (i * 5 + j) as f64 * 0.37 - 2.0);
        let f32s = f64s.mapv(|x| x as f32 * 1.5);
        let i64s = Array2::from_shape_fn((3, 5), |(i, j)| (i as i64 - 1) * 1_000_000_007 + j as i64);
        let cube = Array3::from_shape_fn((2, 3, 4), |(i, j, k)| (i * 12 + j * 4 + k) as f32 - 7.25);
        vec![
            ("f64 vector", F64Vector(f64s.row(1).to_owned())),
            (
                "f64 vector, every other element",
                F64Vector(Array1::linspace(0.0, 1.0, 9).slice_move(s![..;2])),
            ),
            ("f64 vector, reversed", F64Vector(Array1::linspace(-1.0, 1.0, 5).slice_move(s![..;-1]))),
            ("f64 matrix", F64Matrix(f64s.clone())),
            ("f64 matrix, transposed", F64Matrix(f64s.clone().reversed_axes())),
            ("f64 matrix, sliced", F64Matrix(f64s.slice_move(s![..;2, 1..;2]))),
            ("i64 vector", I64Vector(Array1::from(vec![i64::MIN, -1, 0, 1, i64::MAX]))),
            ("i64 vector, reversed", I64Vector(i64s.column(3).to_owned().slice_move(s![..;-1]))),
            ("i64 matrix", I64Matrix(i64s.clone())),
            ("i64 matrix, transposed", I64Matrix(i64s.reversed_axes())),
            ("f32 vector", F32Vector(Array1::from(vec![f32::NAN, -0.0, f32::INFINITY, 1e-40]))),
            ("f32 vector, sliced", F32Vector(f32s.column(2).to_owned())),
            ("f32 matrix", F32Matrix(f32s.clone())),
            ("f32 matrix, transposed", F32Matrix(f32s.reversed_axes())),
            ("f32 array", F32Array3(cube.clone())),
            ("f32 array, axes permuted", F32Array3(cube.clone().permuted_axes([2, 0, 1]))),
            ("f32 array, sliced", F32Array3(cube.slice_move(s![.., ..;-1, 1..3]))),
            ("empty", F64Matrix(Array2::zeros((0, 3)))),
        ]
    }

    #[test]
    fn digest_is_that_of_the_data_of_the_file_written() {
        let mut all = Sha256::new();
        for (what, array) in &arrays() {
            let path = test_file("digest.npy", b"");
            array.write(&path).unwrap();
            // C order, whatever the layout in memory: the harness reads the data as C order.
            assert!(read_npy_header(&path).is_ok(), "{what}");
            let header = String::from_utf8_lossy(&std::fs::read(&path).unwrap()[..64]).into_owned();
            assert!(header.contains("'fortran_order': False"), "{what}: {header}");
            let data = npy_data(&path);
            all.update(&data);
            let expected: String = Sha256::digest(&data).iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(output_digest([array]), expected, "{what}");
        }
        // Several arrays: their data one after the other, in the order given.
        let arrays = arrays();
        let expected: String = all.finalize().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(output_digest(arrays.iter().map(|(_, a)| a)), expected);
        assert_ne!(output_digest(arrays.iter().rev().map(|(_, a)| a)), expected);
    }

    #[test]
    fn digest_is_lowercase_hex_sha256() {
        // SHA-256 of no bytes.
        assert_eq!(
            output_digest([&OutputArray::I64Vector(Array1::zeros(0))]),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        // The bytes of 1 as <i8: 01 00 00 00 00 00 00 00; of 1.0 as <f8 they differ.
        let one = output_digest([&OutputArray::I64Vector(ndarray::array![1])]);
        assert_eq!(one, "7c9fa136d4413fa6173637e883b6998d32e1d675f88cddff9dcbcf331820f4b8");
        assert_ne!(output_digest([&OutputArray::F64Vector(ndarray::array![1.0])]), one);
    }

    #[test]
    fn large_arrays_go_through_the_buffer_whole() {
        // More than one buffer of 4096 bytes, not a multiple of it.
        let values = Array1::from_shape_fn(3001, |i| i as f32 * 0.5);
        let array = OutputArray::F32Vector(values.clone());
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        let expected: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(output_digest([&array]), expected);
    }
}
