/// `<home>/forwards.conf`: one rule per line in the flags' own words (`expose tcp:8080=127.0.0.1:80`, the
/// leading `--` optional, `proxy-protocol` after an expose tcp rule), `#` to the end of a line is a comment.
public enum ForwardRuleFile {
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    public static func parse(_ text: String) throws(Invalid) -> [ForwardRule] {
        var rules: [ForwardRule] = []
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let content = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            var words = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard !words.isEmpty else { continue }
            let number = index + 1
            // --expose=RULE as well as --expose RULE
            if words[0].hasPrefix("--"), let equals = words[0].firstIndex(of: "=") {
                words.replaceSubrange(0...0, with: [String(words[0][..<equals]), String(words[0][words[0].index(after: equals)...])])
            }
            let verb = words[0].hasPrefix("--") ? String(words[0].dropFirst(2)) : words[0]
            guard let direction = ForwardRule.Direction(rawValue: verb) else {
                throw Invalid(line: number, reason: "'\(words[0])' is neither expose nor publish")
            }
            guard words.count >= 2 else { throw Invalid(line: number, reason: "\(verb) needs a rule, e.g. \(verb) tcp:8080=10.0.0.1:80") }
            let options = words.dropFirst(2)
            var proxyProtocol = false
            for option in options {
                guard option == "proxy-protocol" || option == "--proxy-protocol" else {
                    throw Invalid(line: number, reason: "unknown option '\(option)' (only proxy-protocol may follow a rule)")
                }
                proxyProtocol = true
            }
            do {
                rules.append(try ForwardRule(direction, words[1], proxyProtocol: proxyProtocol))
            } catch {
                throw Invalid(line: number, reason: error.description)
            }
        }
        return rules
    }
}
