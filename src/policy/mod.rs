//! GDPR policy checks (being written).
