//! The systemd notification protocol (`sd_notify(3)`), client side: a datagram such as
//! `READY=1` sent to the unix socket named by `$NOTIFY_SOCKET`.
//!
//! With `Type=notify` systemd considers quire started only once `READY=1` arrives (sent when
//! the HTTP listener is bound and the first content sync is done), so `systemctl start` and
//! units ordered `After=quire.service` wait for a blog that answers. `STOPPING=1` tells it the
//! shutdown began. Written here rather than pulled in as a crate: it is one `sendto`.
//!
//! `$NOTIFY_SOCKET` is a file system path (`/run/systemd/notify`) or, on Linux, an abstract
//! socket written with a leading `@`. Without the variable (not under systemd) every call is
//! a no-op.

use std::ffi::OsStr;
use std::io;

/// The environment variable systemd sets for `Type=notify` services.
pub const NOTIFY_SOCKET: &str = "NOTIFY_SOCKET";

/// Sends `state` (newline-separated `KEY=value` assignments) to systemd if quire runs under
/// it. Returns whether a message was sent.
pub fn notify(state: &str) -> io::Result<bool> {
    match std::env::var_os(NOTIFY_SOCKET) {
        Some(socket) if !socket.is_empty() => notify_to(&socket, state).map(|()| true),
        _ => Ok(false),
    }
}

/// Tells systemd quire is ready (listening, content synced); logs instead of failing.
pub fn notify_ready() {
    if let Err(e) = notify("READY=1\nSTATUS=serving") {
        tracing::warn!("could not tell systemd quire is ready ({NOTIFY_SOCKET}): {e}");
    }
}

/// Tells systemd quire is stopping; logs instead of failing.
pub fn notify_stopping() {
    if let Err(e) = notify("STOPPING=1\nSTATUS=finishing requests under way") {
        tracing::warn!("could not tell systemd quire is stopping ({NOTIFY_SOCKET}): {e}");
    }
}

/// Sends `state` to the notification socket `socket` (a path, or `@name` for an abstract
/// socket on Linux).
pub fn notify_to(socket: &OsStr, state: &str) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::net::{SocketAddr, UnixDatagram};

        let bytes = socket.as_bytes();
        let addr = match bytes.first() {
            Some(b'/') => SocketAddr::from_pathname(socket)?,
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Some(b'@') => {
                #[cfg(target_os = "android")]
                use std::os::android::net::SocketAddrExt;
                #[cfg(target_os = "linux")]
                use std::os::linux::net::SocketAddrExt;
                SocketAddr::from_abstract_name(&bytes[1..])?
            }
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    format!(
                        "unsupported {NOTIFY_SOCKET} {:?} (expected a path or @abstract name)",
                        socket
                    ),
                ))
            }
        };
        let sock = UnixDatagram::unbound()?;
        let sent = sock.send_to_addr(state.as_bytes(), &addr)?;
        if sent != state.len() {
            return Err(io::Error::new(
                io::ErrorKind::WriteZero,
                "the notification was truncated",
            ));
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        let _ = (socket, state);
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "systemd notifications need unix sockets",
        ))
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::net::{SocketAddr, UnixDatagram};
    use std::time::Duration;

    #[test]
    fn sends_to_a_path_socket() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify");
        let listener = UnixDatagram::bind(&path).unwrap();
        listener
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        notify_to(path.as_os_str(), "READY=1").unwrap();
        let mut buf = [0u8; 256];
        let n = listener.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"READY=1");
    }

    #[test]
    fn sends_to_an_abstract_socket() {
        let name = format!("quire-test-notify-{}", std::process::id());
        let addr = SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
        let listener = UnixDatagram::bind_addr(&addr).unwrap();
        listener
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        notify_to(OsStr::new(&format!("@{name}")), "STOPPING=1").unwrap();
        let mut buf = [0u8; 256];
        let n = listener.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"STOPPING=1");
    }

    #[test]
    fn refuses_what_it_cannot_address() {
        assert!(notify_to(OsStr::new("vsock:2:1234"), "READY=1").is_err());
    }
}
