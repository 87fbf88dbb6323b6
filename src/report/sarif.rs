//! `--format sarif` (being written).

use super::{RenderOptions, Report};
use std::io::Write;

pub fn render(
    _report: &Report,
    _opts: &RenderOptions<'_>,
    _out: &mut dyn Write,
) -> std::io::Result<()> {
    Ok(())
}
