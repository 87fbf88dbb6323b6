//! Fitting text to the terminal: paths cut from the left, words wrapped at the
//! width, control characters from the inputs made visible.

use crate::render::common::truncate_left;
use comfy_table::{ColumnConstraint, Table, Width};

/// `…/crm/contacts.csv → notes`, the path cut from the left to fit `room`; the
/// field goes on a line of its own when both do not fit, so nothing wraps mid-word.
pub(super) fn place(path: &str, field: &str, room: usize) -> String {
    let field = clean(field);
    let field = if field.chars().count() > room - 2 {
        format!("{}…", field.chars().take(room - 3).collect::<String>())
    } else {
        field
    };
    let path = clean(&truncate_left(path, room));
    if path.chars().count() + field.chars().count() + 3 <= room {
        format!("{path} → {field}")
    } else {
        format!("{path}\n→ {field}")
    }
}

/// Give the "where" column `room` characters (plus its padding) so paths are cut
/// by us, not wrapped.
pub(super) fn reserve(tb: &mut Table, column: usize, room: usize) {
    if let Some(c) = tb.column_mut(column) {
        c.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(
            room as u16 + 2,
        )));
    }
}

/// Word-wrap `text` to `width` columns, every line starting with `indent`; a word
/// longer than a line is cut.
pub(super) fn wrap(text: &str, width: usize, indent: &str) -> String {
    let room = width.saturating_sub(indent.chars().count()).max(10);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word = word.to_string();
        while word.chars().count() > room {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let head: String = word.chars().take(room).collect();
            word = word.chars().skip(room).collect();
            lines.push(head);
        }
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if needed > room && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
        .iter()
        .map(|l| format!("{indent}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Untrusted text made safe for a terminal, on one line.
pub(super) fn clean(s: &str) -> String {
    crate::terminal_text::one_line(s)
}
