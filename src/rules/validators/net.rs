//! IP addresses. Any valid address in free text is personal data in an audit's
//! eyes (CJEU C-582/14 Breyer), but an address of a private network, the loopback
//! interface or a documentation range rarely points to a person: those keep their
//! match with a lower confidence.

use std::net::{Ipv4Addr, Ipv6Addr};

/// How much less sure a match of a special-purpose address is.
pub(super) const SPECIAL_RANGE_PENALTY: f64 = 0.2;

fn special_v4(a: Ipv4Addr) -> bool {
    let [o0, o1, o2, _] = a.octets();
    a.is_private()
        || a.is_loopback()
        || a.is_link_local()
        || a.is_documentation()
        || (o0 == 100 && (64..128).contains(&o1)) // shared address space (CGNAT)
        || (o0 == 198 && (o1 == 18 || o1 == 19)) // benchmarking
        || (o0 == 192 && o1 == 0 && o2 == 0) // IETF protocol assignments
        || o0 >= 224 // multicast and reserved
}

fn special_v6(a: Ipv6Addr) -> bool {
    if let Some(v4) = a.to_ipv4_mapped() {
        return special_v4(v4);
    }
    let s = a.segments();
    a.is_loopback()
        || a.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link local
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x3fff && s[1] < 0x1000) // documentation (RFC 9637)
}

/// The confidence lost by an address in a special-purpose range (0 otherwise).
pub(super) fn ip_penalty(candidate: &str) -> f64 {
    let t = candidate.trim();
    let special = match t.parse::<Ipv4Addr>() {
        Ok(a) => special_v4(a),
        Err(_) => t.parse::<Ipv6Addr>().is_ok_and(special_v6),
    };
    if special { SPECIAL_RANGE_PENALTY } else { 0.0 }
}

/// A valid IPv6 address in any compressed form, with or without an embedded IPv4
/// address; not the unspecified address `::`.
pub(super) fn ipv6(s: &str) -> bool {
    s.bytes().filter(|&c| c == b':').count() >= 2
        && s.parse::<Ipv6Addr>().is_ok_and(|a| !a.is_unspecified())
}

#[cfg(test)]
mod tests {
    use super::super::Validator::*;
    use super::*;

    #[test]
    fn special_ranges_lower_the_confidence_only() {
        for special in [
            "10.1.2.3",
            "192.168.0.10",
            "172.16.5.4",
            "127.0.0.1",
            "192.0.2.44",
            "198.51.100.7",
            "203.0.113.9",
            "100.64.1.1",
            "2001:db8::1",
            "::1",
            "fe80::1ff:fe23:4567:890a",
            "fd12:3456:789a::1",
            "::ffff:192.168.1.1",
        ] {
            assert_eq!(ip_penalty(special), SPECIAL_RANGE_PENALTY, "{special}");
        }
        for public in [
            "217.142.90.66",
            "2a02:aa1:1023:5e1::12",
            "::ffff:81.123.91.211",
        ] {
            assert_eq!(ip_penalty(public), 0.0, "{public}");
        }
        assert!(Ipv4.check("10.1.2.3") && Ipv4.check("127.0.0.1"));
    }

    #[test]
    fn ipv6_in_every_compressed_form() {
        for good in [
            "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
            "2001:db8:85a3::8a2e:370:7334",
            "2001:db8::",
            "::1",
            "::ffff:192.0.2.128",
            "64:ff9b::192.0.2.33",
            "2001:DB8::A",
        ] {
            assert!(Ipv6.check(good), "{good}");
        }
        for bad in [
            "::",
            "12:30:45",
            "00:1a:2b:3c:4d:5e",
            "2001:db8:::1",
            "1:2:3:4:5:6:7:8:9",
            "fe80::g",
        ] {
            assert!(!Ipv6.check(bad), "{bad}");
        }
    }
}
