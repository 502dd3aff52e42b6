//! The server-side request forgery (SSRF) guard: which addresses and host
//! names a did:web fetch may reach.
//!
//! A did:web DID is attacker-chosen input, so by default only globally
//! routable unicast addresses are allowed. [`AddressClass::of`] sorts an IP
//! address into the special-purpose ranges of the IANA IPv4 and IPv6
//! special-purpose address registries (RFC 6890 and successors);
//! [`AddressPolicy`] decides which classes may be contacted.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What kind of address an IP address is, as far as reaching it from a
/// server is concerned.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressClass {
    /// A globally routable unicast address: the only class allowed by default.
    Public,
    /// Loopback: 127.0.0.0/8, `::1`.
    Loopback,
    /// Private networks: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16,
    /// unique local fc00::/7, deprecated site-local fec0::/10 and local-use
    /// NAT64 64:ff9b:1::/48.
    Private,
    /// Link-local: 169.254.0.0/16 (cloud metadata services live here), fe80::/10.
    LinkLocal,
    /// The unspecified address: 0.0.0.0, `::`.
    Unspecified,
    /// The limited broadcast address 255.255.255.255.
    Broadcast,
    /// Multicast: 224.0.0.0/4, ff00::/8.
    Multicast,
    /// Shared address space for carrier-grade NAT: 100.64.0.0/10.
    SharedAddressSpace,
    /// Documentation ranges: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
    /// 2001:db8::/32, 3fff::/20.
    Documentation,
    /// Other special-purpose ranges that are not globally reachable: "this
    /// network" 0.0.0.0/8, IETF protocol assignments 192.0.0.0/24, the
    /// 6to4 relay anycast 192.88.99.0/24, benchmarking 198.18.0.0/15 and
    /// 2001:2::/48, reserved 240.0.0.0/4, discard-only 100::/64, ORCHIDv2
    /// 2001:20::/28, IPv4-compatible IPv6 `::/96`.
    Reserved,
}

impl AddressClass {
    /// Classifies `ip`. IPv6 addresses that embed an IPv4 address
    /// (IPv4-mapped `::ffff:0:0/96`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`)
    /// are classified by the embedded IPv4 address, so `::ffff:127.0.0.1` is
    /// loopback.
    pub fn of(ip: IpAddr) -> AddressClass {
        match ip {
            IpAddr::V4(v4) => Self::of_v4(v4),
            IpAddr::V6(v6) => Self::of_v6(v6),
        }
    }

    /// Classifies an IPv4 address.
    pub fn of_v4(ip: Ipv4Addr) -> AddressClass {
        let [a, b, c, _] = ip.octets();
        match (a, b, c) {
            _ if ip.is_unspecified() => AddressClass::Unspecified,
            _ if ip.is_broadcast() => AddressClass::Broadcast,
            (0, _, _) => AddressClass::Reserved,
            (127, _, _) => AddressClass::Loopback,
            (10, _, _) | (172, 16..=31, _) | (192, 168, _) => AddressClass::Private,
            (169, 254, _) => AddressClass::LinkLocal,
            (100, 64..=127, _) => AddressClass::SharedAddressSpace,
            (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => AddressClass::Documentation,
            (192, 0, 0) | (192, 88, 99) | (198, 18..=19, _) => AddressClass::Reserved,
            (224..=239, _, _) => AddressClass::Multicast,
            (240..=255, _, _) => AddressClass::Reserved,
            _ => AddressClass::Public,
        }
    }

    /// Classifies an IPv6 address.
    pub fn of_v6(ip: Ipv6Addr) -> AddressClass {
        let s = ip.segments();
        if ip.is_unspecified() {
            return AddressClass::Unspecified;
        }
        if ip.is_loopback() {
            return AddressClass::Loopback;
        }
        if let Some(v4) = embedded_ipv4(ip) {
            return Self::of_v4(v4);
        }
        match s {
            // ::/96, IPv4-compatible (deprecated); :: and ::1 were handled above.
            [0, 0, 0, 0, 0, 0, _, _] => AddressClass::Reserved,
            [0x64, 0xff9b, 1, ..] => AddressClass::Private,
            [0x100, 0, 0, 0, ..] => AddressClass::Reserved,
            [0x2001, 0xdb8, ..] => AddressClass::Documentation,
            [0x2001, 2, 0, ..] => AddressClass::Reserved,
            [0x2001, x, ..] if (0x20..=0x2f).contains(&x) => AddressClass::Reserved,
            [0x3fff, y, ..] if y < 0x1000 => AddressClass::Documentation,
            [x, ..] if x & 0xfe00 == 0xfc00 => AddressClass::Private,
            [x, ..] if x & 0xffc0 == 0xfe80 => AddressClass::LinkLocal,
            [x, ..] if x & 0xffc0 == 0xfec0 => AddressClass::Private,
            [x, ..] if x & 0xff00 == 0xff00 => AddressClass::Multicast,
            _ => AddressClass::Public,
        }
    }

    /// A short name for messages, e.g. `"loopback"`.
    pub fn as_str(self) -> &'static str {
        match self {
            AddressClass::Public => "public",
            AddressClass::Loopback => "loopback",
            AddressClass::Private => "private",
            AddressClass::LinkLocal => "link-local",
            AddressClass::Unspecified => "unspecified",
            AddressClass::Broadcast => "broadcast",
            AddressClass::Multicast => "multicast",
            AddressClass::SharedAddressSpace => "shared (carrier-grade NAT)",
            AddressClass::Documentation => "documentation",
            AddressClass::Reserved => "reserved",
        }
    }
}

impl fmt::Display for AddressClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The IPv4 address embedded in an IPv4-mapped, NAT64 (well-known prefix)
/// or 6to4 IPv6 address.
fn embedded_ipv4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let from = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    match s {
        [0, 0, 0, 0, 0, 0xffff, hi, lo] => Some(from(hi, lo)),
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => Some(from(hi, lo)),
        [0x2002, hi, lo, ..] => Some(from(hi, lo)),
        _ => None,
    }
}

/// Which addresses and host names a fetch may reach: public addresses, plus
/// what the fields explicitly allow.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddressPolicy {
    /// Also allow loopback addresses and the `localhost` names (tests and
    /// local development only).
    pub allow_loopback: bool,
    /// Also allow these exact addresses, whatever their class (e.g. an
    /// intranet host serving did:web documents). IPv4-mapped IPv6 forms of
    /// a listed IPv4 address match it.
    pub allow_addresses: Vec<IpAddr>,
}

impl AddressPolicy {
    /// Whether `ip` may be contacted; `Err` carries the refused class.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), AddressClass> {
        match AddressClass::of(ip) {
            AddressClass::Public => Ok(()),
            AddressClass::Loopback if self.allow_loopback => Ok(()),
            _ if self
                .allow_addresses
                .iter()
                .any(|a| a.to_canonical() == ip.to_canonical()) =>
            {
                Ok(())
            }
            class => Err(class),
        }
    }

    /// Whether a host name may be looked up at all: `localhost` and names
    /// under `.localhost` (RFC 6761) are refused unless loopback is allowed.
    /// Addresses the name resolves to are checked separately.
    pub fn check_host_name(&self, host: &str) -> Result<(), &'static str> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if !self.allow_loopback && (host == "localhost" || host.ends_with(".localhost")) {
            return Err("a localhost name (loopback)");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(s: &str) -> AddressClass {
        AddressClass::of(s.parse().unwrap())
    }

    fn assert_class(class_of: AddressClass, addrs: &[&str]) {
        for a in addrs {
            assert_eq!(class(a), class_of, "{a}");
            let refused = AddressPolicy::default().check_ip(a.parse().unwrap());
            if class_of == AddressClass::Public {
                assert_eq!(refused, Ok(()), "{a}");
            } else {
                assert_eq!(refused, Err(class_of), "{a} must be refused by default");
            }
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        assert_class(
            AddressClass::Public,
            &[
                "8.8.8.8",
                "1.1.1.1",
                "93.184.216.34",
                "172.15.255.255",
                "172.32.0.0",
                "100.63.255.255",
                "100.128.0.0",
                "192.0.3.1",
                "198.17.255.255",
                "198.20.0.0",
                "223.255.255.255",
                "2606:4700:4700::1111",
                "2a00:1450:4001:80b::200e",
                "2001:4860::8888",
            ],
        );
    }

    #[test]
    fn loopback_is_refused() {
        assert_class(
            AddressClass::Loopback,
            &["127.0.0.1", "127.255.255.254", "127.1.2.3", "::1", "::ffff:127.0.0.1"],
        );
    }

    #[test]
    fn loopback_is_allowed_only_with_opt_in() {
        let policy = AddressPolicy {
            allow_loopback: true,
            ..AddressPolicy::default()
        };
        assert_eq!(policy.check_ip("127.0.0.1".parse().unwrap()), Ok(()));
        assert_eq!(policy.check_ip("::1".parse().unwrap()), Ok(()));
        // The opt-in is for loopback only.
        assert_eq!(policy.check_ip("10.0.0.1".parse().unwrap()), Err(AddressClass::Private));
        assert_eq!(
            policy.check_ip("169.254.169.254".parse().unwrap()),
            Err(AddressClass::LinkLocal)
        );
    }

    #[test]
    fn listed_addresses_are_allowed_whatever_their_class() {
        let policy = AddressPolicy {
            allow_addresses: vec!["10.1.2.3".parse().unwrap(), "fd00::5".parse().unwrap()],
            ..AddressPolicy::default()
        };
        assert_eq!(policy.check_ip("10.1.2.3".parse().unwrap()), Ok(()));
        assert_eq!(policy.check_ip("::ffff:10.1.2.3".parse().unwrap()), Ok(()));
        assert_eq!(policy.check_ip("fd00::5".parse().unwrap()), Ok(()));
        assert_eq!(policy.check_ip("10.1.2.4".parse().unwrap()), Err(AddressClass::Private));
        assert_eq!(
            policy.check_ip("127.0.0.1".parse().unwrap()),
            Err(AddressClass::Loopback)
        );
    }

    #[test]
    fn private_ranges_are_refused() {
        assert_class(
            AddressClass::Private,
            &[
                "10.0.0.1",
                "10.255.255.255",
                "172.16.0.1",
                "172.31.255.255",
                "192.168.0.1",
                "192.168.255.255",
                "fc00::1",
                "fd12:3456:789a::1",
                "fec0::1",
                "64:ff9b:1::1",
                "::ffff:10.1.2.3",
                "::ffff:192.168.1.1",
            ],
        );
    }

    #[test]
    fn link_local_is_refused() {
        assert_class(
            AddressClass::LinkLocal,
            &[
                "169.254.169.254",
                "169.254.0.1",
                "fe80::1",
                "febf::1",
                "::ffff:169.254.169.254",
            ],
        );
    }

    #[test]
    fn unspecified_is_refused() {
        assert_class(AddressClass::Unspecified, &["0.0.0.0", "::", "::ffff:0.0.0.0"]);
    }

    #[test]
    fn broadcast_is_refused() {
        assert_class(AddressClass::Broadcast, &["255.255.255.255", "::ffff:255.255.255.255"]);
    }

    #[test]
    fn multicast_is_refused() {
        assert_class(
            AddressClass::Multicast,
            &[
                "224.0.0.1",
                "239.255.255.250",
                "ff02::1",
                "ff05::1:3",
                "::ffff:224.0.0.251",
            ],
        );
    }

    #[test]
    fn carrier_grade_nat_is_refused() {
        assert_class(
            AddressClass::SharedAddressSpace,
            &["100.64.0.1", "100.127.255.255", "::ffff:100.100.100.200"],
        );
    }

    #[test]
    fn documentation_ranges_are_refused() {
        assert_class(
            AddressClass::Documentation,
            &[
                "192.0.2.1",
                "198.51.100.7",
                "203.0.113.255",
                "2001:db8::1",
                "3fff::1",
                "3fff:fff::1",
            ],
        );
    }

    #[test]
    fn reserved_ranges_are_refused() {
        assert_class(
            AddressClass::Reserved,
            &[
                "0.1.2.3",
                "192.0.0.8",
                "192.88.99.1",
                "198.18.0.1",
                "198.19.255.255",
                "240.0.0.1",
                "255.255.255.254",
                "100::1",
                "2001:2::1",
                "2001:20::1",
                "::7f00:1",
            ],
        );
    }

    #[test]
    fn embedded_ipv4_is_classified_by_the_ipv4_address() {
        // NAT64 and 6to4 forms reach the embedded IPv4 address.
        assert_eq!(class("64:ff9b::7f00:1"), AddressClass::Loopback);
        assert_eq!(class("64:ff9b::a9fe:a9fe"), AddressClass::LinkLocal);
        assert_eq!(class("2002:c0a8:0101::1"), AddressClass::Private);
        assert_eq!(class("2002:0808:0808::1"), AddressClass::Public);
        assert_eq!(class("::ffff:8.8.8.8"), AddressClass::Public);
    }

    #[test]
    fn localhost_names_are_refused_without_opt_in() {
        let policy = AddressPolicy::default();
        for host in [
            "localhost",
            "LOCALHOST",
            "localhost.",
            "api.localhost",
            "a.b.localhost.",
        ] {
            assert!(policy.check_host_name(host).is_err(), "{host}");
        }
        for host in ["example.com", "localhost.example.com", "notlocalhost"] {
            assert_eq!(policy.check_host_name(host), Ok(()), "{host}");
        }
        let opted_in = AddressPolicy {
            allow_loopback: true,
            ..AddressPolicy::default()
        };
        assert_eq!(opted_in.check_host_name("localhost"), Ok(()));
    }
}
