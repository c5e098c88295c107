#!/bin/bash

__netcon_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__netcon_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__netcon_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__netcon_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_netcon() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __netcon_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    run|join|leave|status|exec|forward|proxy|selftest|planet|peer|identity|network|member|ping|help)
        # Offer subcommand argument completions
        "_netcon_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'run join leave status exec forward proxy selftest planet peer identity network member ping help' -- "${cur}"))
        ;;
    esac
}

_netcon_run() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--home --port --log-level)
    __netcon_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    '--port')
        return
        ;;
    '--log-level')
        __netcon_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    esac
}

_netcon_join() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--home --timeout)
    __netcon_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_netcon_leave() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--home)
    __netcon_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    esac
}

_netcon_status() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--home)
    __netcon_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    esac
}

_netcon_exec() {
    repeating_flags=()
    non_repeating_flags=(--isolate --listen-host --version -h --help)
    repeating_options=(--network --join)
    non_repeating_options=(--home --intercept --timeout --port --log-level)
    __netcon_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    '--network')
        return
        ;;
    '--join')
        return
        ;;
    '--intercept')
        __netcon_add_completions -W 'auto'$'\n''preload'$'\n''seccomp'
        return
        ;;
    '--timeout')
        return
        ;;
    '--port')
        return
        ;;
    '--log-level')
        __netcon_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    esac
}

_netcon_forward() {
    repeating_flags=()
    non_repeating_flags=(--proxy-protocol --version -h --help)
    repeating_options=(--expose --publish --network --join)
    non_repeating_options=(--home --udp-idle-timeout --timeout --port --log-level)
    __netcon_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    '--expose')
        return
        ;;
    '--publish')
        return
        ;;
    '--udp-idle-timeout')
        return
        ;;
    '--network')
        return
        ;;
    '--join')
        return
        ;;
    '--timeout')
        return
        ;;
    '--port')
        return
        ;;
    '--log-level')
        __netcon_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    esac
}

_netcon_proxy() {
    repeating_flags=()
    non_repeating_flags=(--allow-host --allow-remote-clients --version -h --help)
    repeating_options=(--user --network --join)
    non_repeating_options=(--home --socks5 --http --credentials --handshake-timeout --timeout --port --log-level)
    __netcon_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    '--socks5')
        return
        ;;
    '--http')
        return
        ;;
    '--user')
        return
        ;;
    '--credentials')
        __netcon_add_completions -f
        return
        ;;
    '--handshake-timeout')
        return
        ;;
    '--network')
        return
        ;;
    '--join')
        return
        ;;
    '--timeout')
        return
        ;;
    '--port')
        return
        ;;
    '--log-level')
        __netcon_add_completions -W 'trace'$'\n''debug'$'\n''info'$'\n''notice'$'\n''warning'$'\n''error'$'\n''critical'
        return
        ;;
    esac
}

_netcon_selftest() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=()
    __netcon_offer_flags_options 0
}

_netcon_planet() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __netcon_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|show)
        # Offer subcommand argument completions
        "_netcon_planet_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create show' -- "${cur}"))
        ;;
    esac
}

_netcon_planet_create() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--root)
    non_repeating_options=(--home -o --output --signing-key --id --timestamp)
    __netcon_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    '--root')
        return
        ;;
    '-o'|'--output')
        __netcon_add_completions -f
        return
        ;;
    '--signing-key')
        __netcon_add_completions -f
        return
        ;;
    '--id')
        return
        ;;
    '--timestamp')
        return
        ;;
    esac
}

_netcon_planet_show() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--home)
    __netcon_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __netcon_add_completions -f
        return
        ;;
    esac
}

_netcon_peer() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __netcon_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    ping)
        # Offer subcommand argument completions
        "_netcon_peer_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'ping' -- "${cur}"))
        ;;
    esac
}

_netcon_peer_ping() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--home --count -c)
    __netcon_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    '--count'|'-c')
        return
        ;;
    esac
}

_netcon_identity() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __netcon_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|show)
        # Offer subcommand argument completions
        "_netcon_identity_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create show' -- "${cur}"))
        ;;
    esac
}

_netcon_identity_create() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--home)
    __netcon_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    esac
}

_netcon_identity_show() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--home)
    __netcon_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    esac
}

_netcon_network() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __netcon_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|list|show|set-dns|delete)
        # Offer subcommand argument completions
        "_netcon_network_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create list show set-dns delete' -- "${cur}"))
        ;;
    esac
}

_netcon_network_create() {
    repeating_flags=()
    non_repeating_flags=(--enable-private --disable-private --rfc4193 --6plane --json --version -h --help)
    repeating_options=(--pool)
    non_repeating_options=(--home --name --mtu)
    __netcon_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    '--name')
        return
        ;;
    '--pool')
        return
        ;;
    '--mtu')
        return
        ;;
    esac
}

_netcon_network_list() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--home)
    __netcon_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    esac
}

_netcon_network_show() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--home)
    __netcon_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    esac
}

_netcon_network_set-dns() {
    repeating_flags=()
    non_repeating_flags=(--self --json --version -h --help)
    repeating_options=(--server)
    non_repeating_options=(--home --domain)
    __netcon_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    '--domain')
        return
        ;;
    '--server')
        return
        ;;
    esac
}

_netcon_network_delete() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--home)
    __netcon_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    esac
}

_netcon_member() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __netcon_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|authorize|deauthorize|set-ip|set-name)
        # Offer subcommand argument completions
        "_netcon_member_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list authorize deauthorize set-ip set-name' -- "${cur}"))
        ;;
    esac
}

_netcon_member_list() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--home)
    __netcon_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    esac
}

_netcon_member_authorize() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--home)
    __netcon_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    esac
}

_netcon_member_deauthorize() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--home)
    __netcon_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    esac
}

_netcon_member_set-ip() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--home)
    __netcon_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    esac
}

_netcon_member_set-name() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--home)
    __netcon_offer_flags_options 3

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    esac
}

_netcon_ping() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--home --count -c)
    __netcon_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--home')
        __netcon_add_completions -d
        return
        ;;
    '--count'|'-c')
        return
        ;;
    esac
}

_netcon_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __netcon_offer_flags_options -1
}

complete -o filenames -F _netcon netcon
