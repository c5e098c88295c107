import ArgumentParser
import Runtime

struct Netcon: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netcon",
        abstract: "Rootless network containers for ZeroTier networks.",
        discussion: """
            netcon is a ZeroTier endpoint in user space: it joins ZeroTier networks without root, \
            without /dev/net/tun and without changing the host, and runs unmodified programs whose \
            sockets live on the virtual network.

            Every command takes --home (default: $NETCON_HOME, else $XDG_STATE_HOME/netcon, or \
            /var/lib/netcon for root).

            Exit statuses: 0 success; 1 no daemon running; 62 joined network not ready in time; 63 network not joined; 64 bad usage; 65 invalid identity; \
            66 home or identity unusable; 67 no such network or member; 68 peer did not answer; 69 not available yet; 71 UDP port (or a forward's or proxy's port) unavailable; \
            73 home not creatable; 74 I/O error (here or in the daemon, e.g. a full disk); 75 another daemon runs on the home; \
            76 control protocol error; 77 control socket owned by another user; 78 no private planet while NETCON_FORBID_DEFAULT_PLANET is set, or a malformed <home>/forwards.conf.
            """,
        version: NetconVersion.current,
        subcommands: [Run.self, Join.self, Leave.self, Status.self, Exec.self, Forward.self, Proxy.self, Selftest.self, Planet.self, Peer.self, IdentityCommand.self, Network.self, Member.self, Ping.self]
    )
}
