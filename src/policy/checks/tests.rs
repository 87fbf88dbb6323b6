use super::*;

#[test]
fn chunks_append_in_order_and_ids_fall_back_to_row_numbers() {
    let text = "sources:\n  - path: c.csv\n    id_field: id\n    retention: {date_field: d, keep_for: 1 year}\n";
    let config = crate::policy::Config::from_str(text, "t.yaml").unwrap();
    let headers: Vec<String> = ["id", "d"].map(String::from).to_vec();
    let as_of = Date::new(2026, 11, 29).unwrap();
    let c = RecordChecker::for_csv(&config.sources[0], &headers, as_of);
    fn shared<T: Clone + Send + Sync>(_: &T) {}
    shared(&c);
    assert!(c.is_active() && c.warnings().is_empty());
    let rows = [
        ["A", "2020-01-01"],
        ["", "2025-11-28"],
        ["C", "2025-11-29"],
        ["D", "x"],
    ];
    let mut chunks = [RecordOutcomes::default(), RecordOutcomes::default()];
    for (i, r) in rows.iter().enumerate() {
        let field = |c: usize| r.get(c).copied();
        c.check_row(i as u64 + 1, &field, &mut chunks[i / 2]);
    }
    let [mut a, b] = chunks;
    a.append(b);
    assert_eq!(a.checked(), 4);
    assert_eq!(a.expired, [(1, "A".to_string()), (2, "2".to_string())]);
    let v = record_violations("c.csv", &c, a);
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].kind, ViolationKind::RetentionExpired);
    assert_eq!(
        (v[0].records.clone(), v[0].rows.clone()),
        (vec!["A".to_string(), "2".into()], vec![1, 2])
    );
    assert!(
        v[0].message.contains("before 2025-11-29"),
        "{}",
        v[0].message
    );
    assert_eq!(
        (v[1].kind, v[1].records.clone()),
        (ViolationKind::UnparseableDate, vec!["D".to_string()])
    );
}
