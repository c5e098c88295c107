import ArgumentParser
import Glibc
import Runtime

/// `--home`, shared by every command that works on a node.
struct HomeOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The node's home directory.",
            discussion: "Default: $NETCON_HOME, else $XDG_STATE_HOME/netcon (~/.local/state/netcon), or /var/lib/netcon for root.",
            valueName: "dir"
        ),
        completion: .directory
    )
    var home: String?

    var resolved: NodeHome {
        var environment = [String: String]()
        for name in ["NETCON_HOME", "XDG_STATE_HOME", "HOME"] {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        return NodeHome.resolve(explicit: home, environment: environment)
    }
}
