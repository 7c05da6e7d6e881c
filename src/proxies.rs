//! Which address a request comes from. Behind a reverse proxy every request arrives from the
//! proxy; `X-Forwarded-For` names the client, but anyone can send that header, so it is
//! believed only from the proxies `KETNOI_TRUSTED_PROXIES` names.

use std::net::IpAddr;

use ipnet::IpNet;

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Comma-separated addresses or networks: `127.0.0.1, 10.0.0.0/8, ::1`.
    pub fn parse(raw: &str) -> Result<TrustedProxies, String> {
        raw.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| {
                part.parse::<IpNet>()
                    .or_else(|_| part.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!("KETNOI_TRUSTED_PROXIES: `{part}` is not an address or a network")
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    pub fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(&address))
    }

    /// The client behind `peer`: the peer itself unless it is a trusted proxy; then the
    /// nearest address in `X-Forwarded-For` (read from the right, as each proxy appends the
    /// one it heard from) that is not a trusted proxy.
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        for hop in forwarded_for
            .iter()
            .flat_map(|header| header.split(','))
            .rev()
        {
            match hop.trim().parse::<IpAddr>() {
                Ok(address) => {
                    client = address;
                    if !self.trusts(address) {
                        break;
                    }
                }
                // A hop that is not an address was not written by a proxy we know.
                Err(_) => break,
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() -> Result<(), String> {
        let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8")?;
        assert_eq!(
            proxies.client(ip("203.0.113.9"), &["198.51.100.1"]),
            ip("203.0.113.9"),
            "an untrusted peer's header is ignored"
        );
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &["198.51.100.1"]),
            ip("198.51.100.1")
        );
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &["6.6.6.6, 198.51.100.1, 10.1.2.3"]),
            ip("198.51.100.1"),
            "what the client wrote itself, left of the first untrusted hop, is not believed"
        );
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &["garbage"]),
            ip("127.0.0.1")
        );
        assert!(TrustedProxies::parse("not-an-address").is_err());
        assert_eq!(TrustedProxies::parse("")?, TrustedProxies::default());
        Ok(())
    }
}
