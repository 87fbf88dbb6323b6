use super::*;

#[test]
fn code_spans_survive_backticks_and_pipes() {
    assert_eq!(md_code("a`b", false), "``a`b``");
    assert_eq!(md_code("`x", false), "`` `x ``");
    assert_eq!(md_code("a|b", true), "a\\|b");
    assert_eq!(md_code("a\nb", false), "`a b`");
}

#[test]
fn text_escapes_markdown_and_html() {
    assert_eq!(md_text("<b>[x](y)|"), "&lt;b&gt;\\[x\\](y)\\|");
    assert_eq!(md_code("<b>", false), "&lt;b&gt;");
}

#[test]
fn titles_quote_only_known_strings() {
    let parts = split_quoted(
        "Remove x from `a`b.csv` → `notes` (1)",
        &["a`b.csv", "notes"],
    );
    assert_eq!(
        parts,
        vec![
            (false, "Remove x from "),
            (true, "a`b.csv"),
            (false, " → "),
            (true, "notes"),
            (false, " (1)")
        ]
    );
}

#[test]
fn paths_are_cut_on_the_left() {
    assert_eq!(
        truncate_left("exports/2025/crm/contacts.csv", 20),
        "…/crm/contacts.csv"
    );
    assert_eq!(truncate_left("short.csv", 20), "short.csv");
    assert_eq!(
        records_list(&vec![1, 2, 3].into(), 2, "more"),
        "1, 2 … 1 more"
    );
}
