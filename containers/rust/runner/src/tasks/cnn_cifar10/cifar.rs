//! The CIFAR-10 binary format and the task's preprocessing (PROTOCOL.md, task
//! `cnn-cifar10`): records of one label byte and 3 × 32 × 32 pixel bytes (CHW),
//! and `x = (p / 255 − mean[c]) / std[c]` evaluated in f64.

use std::path::Path;

use anyhow::{Result, bail};

use crate::data;
use crate::tasks::gpt2_generate::file_name;

pub const CLASSES: u8 = 10;
/// Channels, rows and columns of one image.
pub const CHANNELS: usize = 3;
pub const SIDE: usize = 32;
pub const PLANE: usize = SIDE * SIDE;
pub const IMAGE: usize = CHANNELS * PLANE;
pub const RECORD: usize = 1 + IMAGE;

/// Images and their labels, as the files store them.
#[derive(Debug, Default, PartialEq)]
pub struct Records {
    /// One class (0..9) per image.
    pub labels: Vec<i64>,
    /// `IMAGE` bytes per image, CHW.
    pub pixels: Vec<u8>,
}

impl Records {
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The pixels of image `i`.
    pub fn image(&self, i: usize) -> &[u8] {
        &self.pixels[i * IMAGE..(i + 1) * IMAGE]
    }
}

/// Splits the bytes of a CIFAR-10 binary file into labels and pixels,
/// checking the length and every label byte; `file` names it in errors.
pub fn parse(bytes: &[u8], file: &str) -> Result<Records> {
    if !bytes.len().is_multiple_of(RECORD) {
        bail!("{file}: {} bytes, not a whole number of {RECORD}-byte records", bytes.len());
    }
    let count = bytes.len() / RECORD;
    let mut records =
        Records { labels: Vec::with_capacity(count), pixels: Vec::with_capacity(count * IMAGE) };
    for (i, record) in bytes.chunks_exact(RECORD).enumerate() {
        let label = record[0];
        if label >= CLASSES {
            bail!("{file} record {i}: label byte {label}, not 0..9");
        }
        records.labels.push(i64::from(label));
        records.pixels.extend_from_slice(&record[1..]);
    }
    Ok(records)
}

/// The first `n` records of `paths`, read in order (a file past the n-th record
/// is not read); `what` names the parameter asking for them.
pub fn read_first(paths: &[&Path], n: usize, what: &str) -> Result<Records> {
    let mut records = Records::default();
    for path in paths {
        if records.len() >= n {
            break;
        }
        let mut file = parse(&data::read_bytes(path)?, &file_name(path))?;
        let keep = file.len().min(n - records.len());
        file.labels.truncate(keep);
        file.pixels.truncate(keep * IMAGE);
        records.labels.append(&mut file.labels);
        records.pixels.append(&mut file.pixels);
    }
    if records.len() < n {
        let names: Vec<String> = paths.iter().map(|p| file_name(p)).collect();
        bail!("{}: {} records, fewer than params.{what} = {n}", names.join(", "), records.len());
    }
    Ok(records)
}

/// The normalization of the task: per channel, the value of every pixel byte.
/// A pixel's value depends only on its byte and channel, so a table of
/// 3 × 256 f64 values computed once normalizes any number of images exactly as
/// evaluating the formula for each pixel would.
pub struct Normalizer {
    table: [[f64; 256]; CHANNELS],
}

impl Normalizer {
    /// `(p / 255 − mean[c]) / std[c]`, in f64, in the order of operations the
    /// contract writes (and NumPy evaluates).
    pub fn new(mean: &[f64; CHANNELS], std: &[f64; CHANNELS]) -> Normalizer {
        let mut table = [[0.0; 256]; CHANNELS];
        for (c, row) in table.iter_mut().enumerate() {
            for (p, value) in row.iter_mut().enumerate() {
                *value = (p as f64 / 255.0 - mean[c]) / std[c];
            }
        }
        Normalizer { table }
    }

    /// The normalized f64 values of `images` (whole images, CHW), NCHW, rounded by `convert`.
    pub fn apply<'a, T>(&self, images: impl Iterator<Item = &'a [u8]>, convert: impl Fn(f64) -> T) -> Vec<T> {
        let mut out = Vec::with_capacity(images.size_hint().0 * IMAGE);
        for image in images {
            for (c, plane) in image.chunks_exact(PLANE).enumerate() {
                let row = &self.table[c];
                out.extend(plane.iter().map(|&p| convert(row[usize::from(p)])));
            }
        }
        out
    }
}
