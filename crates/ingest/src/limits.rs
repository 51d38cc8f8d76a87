//! Capped reading and decompression: the only place in wirewatch that inflates gzip, so that a
//! gzip bomb or a huge file is cut at a known size and memory stays bounded.

use std::io::{self, BufRead, Read};

use flate2::bufread::MultiGzDecoder;

/// Reads at most `cap` bytes from `r`. The flag says whether more input was left (the result was
/// cut at `cap`).
pub fn read_capped(r: impl Read, cap: u64) -> io::Result<(Vec<u8>, bool)> {
    read_capped_sized(r, cap, None)
}

/// [`read_capped`] of an input whose size is known (a file's length): the buffer is allocated
/// once at that size (at most `cap`), where growing it by doubling would reserve up to twice
/// the input.
pub fn read_capped_sized(r: impl Read, cap: u64, size: Option<u64>) -> io::Result<(Vec<u8>, bool)> {
    let mut capped = Capped::new(r, cap);
    let reserve = size.map_or(0, |n| n.min(cap).saturating_add(1));
    let mut out = Vec::with_capacity(usize::try_from(reserve).unwrap_or(0));
    capped.read_to_end(&mut out)?;
    Ok((out, capped.truncated()))
}

/// Decompresses gzip (all members, as `.warc.gz` and concatenated gzip files have several),
/// stopping after `cap` decompressed bytes. The flag says whether output was cut at `cap`.
///
/// A corrupt or truncated gzip stream yields an error unless some output was already produced, in
/// which case that output is returned as truncated: a cut download is still worth reading.
pub fn capped_gunzip(bytes: &[u8], cap: u64) -> io::Result<(Vec<u8>, bool)> {
    let mut capped = Capped::new(gunzip_reader(bytes), cap);
    let mut out = Vec::new();
    match capped.read_to_end(&mut out) {
        Ok(_) => Ok((out, capped.truncated())),
        Err(e) if !out.is_empty() && is_truncation(&e) => Ok((out, true)),
        Err(e) => Err(e),
    }
}

/// Whether an IO error looks like input that ended too soon or is corrupt, rather than a failure
/// of the device.
pub(crate) fn is_truncation(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData
    )
}

/// A streaming multi-member gzip decoder yielding at most `cap` decompressed bytes; ask
/// [`Capped::truncated`] afterwards whether output was cut.
pub fn capped_gunzip_reader<R: BufRead>(r: R, cap: u64) -> Capped<MultiGzDecoder<R>> {
    Capped::new(gunzip_reader(r), cap)
}

/// A streaming multi-member gzip decoder. Callers must bound what they read from it, which is why
/// it is private: outside this crate use [`capped_gunzip_reader`].
#[allow(clippy::disallowed_methods)] // This module is where capped decompression lives.
pub(crate) fn gunzip_reader<R: BufRead>(r: R) -> MultiGzDecoder<R> {
    MultiGzDecoder::new(r)
}

/// A reader that yields at most `cap` bytes of its inner reader and remembers whether the inner
/// reader had more.
#[derive(Debug)]
pub struct Capped<R> {
    inner: R,
    left: u64,
    truncated: bool,
}

impl<R: Read> Capped<R> {
    /// Wraps `inner`, allowing `cap` bytes through.
    pub fn new(inner: R, cap: u64) -> Self {
        Capped { inner, left: cap, truncated: false }
    }
    /// Whether the cap was reached while the inner reader still had data.
    pub fn truncated(&self) -> bool {
        self.truncated
    }
    /// Bytes still allowed through.
    pub fn remaining(&self) -> u64 {
        self.left
    }
    /// The inner reader.
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            if !self.truncated {
                // Probe one byte to tell "exactly at the cap" from "cut at the cap".
                let mut probe = [0u8; 1];
                loop {
                    match self.inner.read(&mut probe) {
                        Ok(n) => {
                            self.truncated = n > 0;
                            break;
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(_) => break,
                    }
                }
            }
            return Ok(0);
        }
        let max = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn read_capped_exact_and_cut() {
        assert_eq!(read_capped(&b"abcd"[..], 4).unwrap(), (b"abcd".to_vec(), false));
        assert_eq!(read_capped(&b"abcde"[..], 4).unwrap(), (b"abcd".to_vec(), true));
        assert_eq!(read_capped(&b""[..], 0).unwrap(), (vec![], false));
    }

    #[test]
    fn gunzip_multi_member_and_bomb() {
        let mut two = gz(b"hello ");
        two.extend(gz(b"world"));
        assert_eq!(capped_gunzip(&two, 100).unwrap(), (b"hello world".to_vec(), false));
        let bomb = gz(&vec![0u8; 20 << 20]);
        assert!(bomb.len() < 100_000);
        let (out, cut) = capped_gunzip(&bomb, 1 << 20).unwrap();
        assert_eq!(out.len(), 1 << 20);
        assert!(cut);
    }

    #[test]
    fn gunzip_garbage_is_error_and_truncated_gz_keeps_prefix() {
        assert!(capped_gunzip(b"not gzip at all", 100).is_err());
        let full = gz(&vec![b'x'; 100_000]);
        let (out, cut) = capped_gunzip(&full[..full.len() / 2], 1 << 20).unwrap_or_default();
        assert!(cut || out.is_empty());
    }
}
