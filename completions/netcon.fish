function __netcon_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __netcon_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __netcon_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __netcon_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __netcon_parse_tokens -S
    set -l unparsed_tokens (__netcon_tokens -pc)
    switch $unparsed_tokens[1]
    case 'netcon'
        __netcon_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'run'
            __netcon_parse_subcommand 0 'home=' 'port=' 'log-level=' 'version' 'h/help'
        case 'join'
            __netcon_parse_subcommand 1 'home=' 'timeout=' 'version' 'h/help'
        case 'leave'
            __netcon_parse_subcommand 1 'home=' 'version' 'h/help'
        case 'status'
            __netcon_parse_subcommand 0 'home=' 'json' 'version' 'h/help'
        case 'exec'
            __netcon_parse_subcommand -r 1 'home=' 'network=+' 'join=+' 'isolate' 'listen-host' 'intercept=' 'timeout=' 'port=' 'log-level=' 'version' 'h/help'
        case 'forward'
            __netcon_parse_subcommand 0 'home=' 'expose=+' 'publish=+' 'proxy-protocol' 'udp-idle-timeout=' 'network=+' 'join=+' 'timeout=' 'port=' 'log-level=' 'version' 'h/help'
        case 'proxy'
            __netcon_parse_subcommand 0 'home=' 'socks5=' 'http=' 'user=+' 'credentials=' 'allow-host' 'allow-remote-clients' 'handshake-timeout=' 'network=+' 'join=+' 'timeout=' 'port=' 'log-level=' 'version' 'h/help'
        case 'selftest'
            __netcon_parse_subcommand 0 'json' 'version' 'h/help'
        case 'planet'
            __netcon_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __netcon_parse_subcommand 0 'home=' 'root=+' 'o/output=' 'signing-key=' 'id=' 'timestamp=' 'version' 'h/help'
            case 'show'
                __netcon_parse_subcommand 1 'home=' 'version' 'h/help'
            end
        case 'peer'
            __netcon_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'ping'
                __netcon_parse_subcommand 1 'home=' 'c/count=' 'version' 'h/help'
            end
        case 'identity'
            __netcon_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __netcon_parse_subcommand 0 'home=' 'version' 'h/help'
            case 'show'
                __netcon_parse_subcommand 0 'home=' 'version' 'h/help'
            end
        case 'network'
            __netcon_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __netcon_parse_subcommand 0 'home=' 'name=' 'pool=+' 'enable-private' 'disable-private' 'rfc4193' '6plane' 'mtu=' 'json' 'version' 'h/help'
            case 'list'
                __netcon_parse_subcommand 0 'home=' 'json' 'version' 'h/help'
            case 'show'
                __netcon_parse_subcommand 1 'home=' 'json' 'version' 'h/help'
            case 'set-dns'
                __netcon_parse_subcommand 1 'home=' 'domain=' 'server=+' 'self' 'json' 'version' 'h/help'
            case 'delete'
                __netcon_parse_subcommand 1 'home=' 'version' 'h/help'
            end
        case 'member'
            __netcon_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __netcon_parse_subcommand 1 'home=' 'json' 'version' 'h/help'
            case 'authorize'
                __netcon_parse_subcommand 2 'home=' 'json' 'version' 'h/help'
            case 'deauthorize'
                __netcon_parse_subcommand 2 'home=' 'json' 'version' 'h/help'
            case 'set-ip'
                __netcon_parse_subcommand -r 3 'home=' 'json' 'version' 'h/help'
            case 'set-name'
                __netcon_parse_subcommand 3 'home=' 'json' 'version' 'h/help'
            end
        case 'ping'
            __netcon_parse_subcommand 1 'home=' 'c/count=' 'version' 'h/help'
        case 'help'
            __netcon_parse_subcommand -r 1 'version'
        end
    end
end

function __netcon_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __netcon_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __netcon_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __netcon_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__netcon_tokens -p)
    if test -z "$(__netcon_tokens -t)"
        set -l index (count (__netcon_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'netcon' -f
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon" -eq 1' -fa 'run' -d 'Run a node in the foreground.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon" -eq 1' -fa 'join' -d 'Join a network.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon" -eq 1' -fa 'leave' -d 'Leave a network.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon" -eq 1' -fa 'status' -d 'Show the node, its networks and its peers.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon" -eq 1' -fa 'exec' -d 'Run a program whose sockets live on the virtual network.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon" -eq 1' -fa 'forward' -d 'Forward ports between the host and the virtual network, TCP and UDP, both ways.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon" -eq 1' -fa 'proxy' -d 'Serve a SOCKS5 and an HTTP proxy whose destinations are on the virtual networks.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon" -eq 1' -fa 'selftest' -d 'Prove the whole chain end to end on a private local world.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon" -eq 1' -fa 'planet' -d 'Create and inspect private planets (the root servers of a self-hosted world).'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon" -eq 1' -fa 'peer' -d 'Talk to other ZeroTier nodes directly (diagnostics).'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon" -eq 1' -fa 'identity' -d 'Create or show a node\'s ZeroTier identity without running the node.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon" -eq 1' -fa 'network' -d 'Manage the networks this node controls (it is the controller of every network ID starting with its address).'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon" -eq 1' -fa 'member' -d 'Manage the members of a network this node controls.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon" -eq 1' -fa 'ping' -d 'Ping an address on a joined network from the node\'s own user-space stack (ICMP echo).'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon run" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon run" port' -l 'port' -d 'UDP port to bind (0 picks a free port; status shows it).' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon run" log-level' -l 'log-level' -d 'Least severe log level written to stderr.' -rfka 'trace debug info notice warning error critical'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon run" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon join" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon join" timeout' -l 'timeout' -d 'Seconds to wait for the network to be ready (0: do not wait).' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon join" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon join" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon leave" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon leave" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon leave" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon status" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon status" json' -l 'json' -d 'Print the status as JSON.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon status" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon exec" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon exec"' -l 'network' -d 'A joined network the program needs (repeatable; default: every joined network).' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon exec"' -l 'join' -d 'Join this network first (repeatable).' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon exec" isolate' -l 'isolate' -d 'Only the virtual networks: destinations elsewhere fail with ENETUNREACH.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon exec" listen-host' -l 'listen-host' -d 'Wildcard TCP listeners also accept connections from the host\'s network.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon exec" intercept' -l 'intercept' -d 'How the program\'s sockets are intercepted: auto (seccomp where the kernel allows it), preload or seccomp.' -rfka 'auto preload seccomp'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon exec" timeout' -l 'timeout' -d 'Seconds to wait for the networks to be ready.' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon exec" port' -l 'port' -d 'UDP port of a node started inside this process (0: any free port).' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon exec" log-level' -l 'log-level' -d 'Least severe log level of a node started inside this process.' -rfka 'trace debug info notice warning error critical'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon exec" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon exec" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon forward" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon forward"' -l 'expose' -d 'A host service members reach on the virtual network (repeatable).' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon forward"' -l 'publish' -d 'A virtual service host programs reach on a host port (repeatable).' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon forward" proxy-protocol' -l 'proxy-protocol' -d 'Start each connection of the expose tcp rules with a PROXY protocol v2 header naming the member.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon forward" udp-idle-timeout' -l 'udp-idle-timeout' -d 'Seconds a UDP session lasts without a datagram.' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon forward"' -l 'network' -d 'A joined network to wait for (repeatable; default: every joined network).' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon forward"' -l 'join' -d 'Join this network first (repeatable).' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon forward" timeout' -l 'timeout' -d 'Seconds to wait for the networks to be ready.' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon forward" port' -l 'port' -d 'UDP port of a node started inside this process (0: any free port).' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon forward" log-level' -l 'log-level' -d 'Least severe log level written to stderr (each connection is logged at info).' -rfka 'trace debug info notice warning error critical'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon forward" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon forward" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon proxy" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon proxy" socks5' -l 'socks5' -d 'Serve SOCKS5 here.' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon proxy" http' -l 'http' -d 'Serve the HTTP proxy here.' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon proxy"' -l 'user' -d 'Accept this username and password (repeatable).' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon proxy" credentials' -l 'credentials' -d 'Accept the NAME:PASSWORD lines of this file (mode 0600).' -rF
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon proxy" allow-host' -l 'allow-host' -d 'Also reach destinations outside the virtual networks, through the host\'s network.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon proxy" allow-remote-clients' -l 'allow-remote-clients' -d 'Allow a proxy port on an address other than loopback (credentials required).'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon proxy" handshake-timeout' -l 'handshake-timeout' -d 'Seconds a client has to send its whole request.' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon proxy"' -l 'network' -d 'A joined network to wait for (repeatable; default: every joined network).' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon proxy"' -l 'join' -d 'Join this network first (repeatable).' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon proxy" timeout' -l 'timeout' -d 'Seconds to wait for the networks to be ready.' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon proxy" port' -l 'port' -d 'UDP port of a node started inside this process (0: any free port).' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon proxy" log-level' -l 'log-level' -d 'Least severe log level written to stderr (each connection is logged at info).' -rfka 'trace debug info notice warning error critical'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon proxy" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon proxy" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon selftest" json' -l 'json' -d 'Print results as JSON.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon selftest" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon selftest" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon planet" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon planet" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon planet" -eq 1' -fa 'create' -d 'Create a signed private planet from one or more roots.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon planet" -eq 1' -fa 'show' -d 'Decode a planet file and check its signature (default: the home\'s planet, else the built-in one).'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon planet create" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon planet create"' -l 'root' -d 'A root: IDENTITY@IP/PORT[,IP/PORT...] (1 to 4).' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon planet create" o output' -s 'o' -l 'output' -d 'Where to write the planet (default: the home\'s planet file).' -rF
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon planet create" signing-key' -l 'signing-key' -d 'The C25519 signing key pair file (default: OUTPUT.signing-key).' -rF
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon planet create" id' -l 'id' -d 'The planet\'s world ID (default: random).' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon planet create" timestamp' -l 'timestamp' -d 'The planet\'s timestamp in milliseconds since 1970 (default: now); updates need a larger one.' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon planet create" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon planet create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon planet show" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon planet show" -eq 1' -F
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon planet show" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon planet show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon peer" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon peer" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon peer" -eq 1' -fa 'ping' -d 'Send a ZeroTier ECHO to a node and show the round trip and whether it went direct or via a root.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon peer ping" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon peer ping" c count' -l 'count' -s 'c' -d 'How many echoes to send, one a second.' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon peer ping" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon peer ping" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon identity" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon identity" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon identity" -eq 1' -fa 'create' -d 'Create the home and its identity if it has none (e.g. for a root, before making its planet).'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon identity" -eq 1' -fa 'show' -d 'Print the home\'s public identity (ADDRESS:0:PUBLICKEY), as identity.public holds it.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon identity create" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon identity create" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon identity create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon identity show" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon identity show" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon identity show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon network" -eq 1' -fa 'create' -d 'Create a network controlled by this node and print its ID.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon network" -eq 1' -fa 'list' -d 'List the networks this node controls.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon network" -eq 1' -fa 'show' -d 'Show one network this node controls.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon network" -eq 1' -fa 'set-dns' -d 'Set the DNS a network\'s members get with their config (a search domain and up to four servers).'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon network" -eq 1' -fa 'delete' -d 'Delete a network this node controls, with all its members (members then get NOT_FOUND).'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network create" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network create" name' -l 'name' -d 'A name members see.' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network create"' -l 'pool' -d 'An IPv4 pool to assign from: CIDR (10.147.17.0/24) or range (10.147.17.10-10.147.17.250). Repeatable.' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network create" enable-private' -l 'enable-private' -d 'Private networks admit only authorized members; public ones anyone.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network create" disable-private' -l 'disable-private' -d 'Private networks admit only authorized members; public ones anyone.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network create" rfc4193' -l 'rfc4193' -d 'Give each member its rfc4193 IPv6 address.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network create" 6plane' -l '6plane' -d 'Give each member its 6plane IPv6 address.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network create" mtu' -l 'mtu' -d 'The network\'s MTU.' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network create" json' -l 'json' -d 'Print the network as JSON.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network create" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network list" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network list" json' -l 'json' -d 'Print the networks as JSON.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network list" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network show" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network show" json' -l 'json' -d 'Print the network as JSON.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network show" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network set-dns" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network set-dns" domain' -l 'domain' -d 'The search domain members resolve under these servers.' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network set-dns"' -l 'server' -d 'A DNS server\'s IP address (repeat for up to four).' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network set-dns" self' -l 'self' -d 'This controller answers the domain\'s names itself: <member name>.<domain> and <member address>.<domain> (A and AAAA). It joins the network and its addresses there lead the servers.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network set-dns" json' -l 'json' -d 'Print the network as JSON.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network set-dns" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network set-dns" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network delete" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network delete" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon network delete" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon member" -eq 1' -fa 'list' -d 'List a network\'s members.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon member" -eq 1' -fa 'authorize' -d 'Admit a member to a private network (it gets its config and addresses within seconds).'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon member" -eq 1' -fa 'deauthorize' -d 'Revoke a member: it loses its config and other members drop its frames.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon member" -eq 1' -fa 'set-ip' -d 'Pin a member\'s IP addresses (none: back to automatic assignment from the pools).'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_positional "netcon member" -eq 1' -fa 'set-name' -d 'Name a member with a DNS label, unique in the network (no name: remove it).'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member list" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member list" json' -l 'json' -d 'Print the members as JSON.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member list" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member authorize" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member authorize" json' -l 'json' -d 'Print the member as JSON.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member authorize" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member authorize" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member deauthorize" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member deauthorize" json' -l 'json' -d 'Print the member as JSON.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member deauthorize" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member deauthorize" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member set-ip" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member set-ip" json' -l 'json' -d 'Print the member as JSON.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member set-ip" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member set-ip" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member set-name" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member set-name" json' -l 'json' -d 'Print the member as JSON.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member set-name" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon member set-name" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon ping" home' -l 'home' -d 'The node\'s home directory.' -rfa '(__netcon_complete_directories)'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon ping" c count' -l 'count' -s 'c' -d 'How many echoes to send, one a second.' -rfka ''
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon ping" version' -l 'version' -d 'Show the version.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon ping" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'netcon' -n '__netcon_should_offer_completions_for_flags_or_options "netcon help" version' -l 'version' -d 'Show the version.'
