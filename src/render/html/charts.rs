//! The report's charts: horizontal bar charts as inline SVG (no script, no request),
//! coloured by category weight or severity.

use super::esc;
use crate::model::{Category, Severity};
use crate::todo::category_weight;
use std::fmt::Write as _;

/// One horizontal bar: a label and coloured segments (colour, value).
pub(super) struct Bar {
    pub(super) label: String,
    /// The untruncated label, as a tooltip, when it differs.
    pub(super) full: String,
    pub(super) segments: Vec<(&'static str, u64)>,
}

/// A horizontal bar chart as inline SVG: labels left, bars, the total right.
pub(super) fn chart(
    h: &mut String,
    id: &str,
    title: &str,
    bars: &[Bar],
    empty: &str,
    after: &str,
) -> std::fmt::Result {
    const W: u64 = 560;
    const ROW: u64 = 28;
    // Room for the longest label at ~8 px a character (12.5 px; DejaVu is wide).
    let longest = bars
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(0) as u64;
    let label_w = (longest * 8 + 12).clamp(90, 280);
    let bar_w = W - label_w - 45;
    let max = bars
        .iter()
        .map(|b| b.segments.iter().map(|s| s.1).sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let height = (bars.len() as u64).max(1) * ROW + 4;
    write!(
        h,
        "<figure class=\"panel\"><figcaption>{0}</figcaption><svg id=\"{id}\" viewBox=\"0 0 {W} {height}\" width=\"100%\" role=\"img\" aria-label=\"{0}\" preserveAspectRatio=\"xMinYMin meet\">",
        esc(title)
    )?;
    if bars.is_empty() {
        write!(
            h,
            "<text x=\"0\" y=\"18\" class=\"empty\">{}</text>",
            esc(empty)
        )?;
    }
    for (i, b) in bars.iter().enumerate() {
        let y = i as u64 * ROW + 4;
        let total: u64 = b.segments.iter().map(|s| s.1).sum();
        let tip = if b.full.is_empty() { &b.label } else { &b.full };
        write!(
            h,
            "<g><title>{}: {total}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{bar_w}\" height=\"18\" rx=\"3\" fill=\"#eef1f5\"/>",
            esc(tip),
            label_w - 10,
            y + 13,
            esc(&b.label)
        )?;
        let mut x = label_w as f64;
        for (colour, n) in b.segments.iter().filter(|s| s.1 > 0) {
            let w = (*n as f64 / max as f64 * bar_w as f64).max(2.0);
            write!(
                h,
                "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"18\" rx=\"3\" fill=\"{colour}\"/>"
            )?;
            x += w;
        }
        write!(
            h,
            "<text x=\"{}\" y=\"{}\" class=\"val\">{total}</text></g>",
            label_w + bar_w + 8,
            y + 13
        )?;
    }
    write!(h, "</svg>{after}</figure>")
}

/// Bar colour by category weight: special categories red … IP addresses grey.
pub(super) fn weight_colour(c: Category) -> &'static str {
    match category_weight(c) as u32 {
        10 => "#c4320a",
        8 => "#e07b39",
        6 => "#d8a31a",
        3 => "#3d6fb6",
        _ => "#8a94a6",
    }
}

pub(super) fn sev_colour(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#b42318",
        Severity::High => "#e0641b",
        Severity::Medium => "#e3ac1c",
        Severity::Low => "#6c8ebf",
    }
}
