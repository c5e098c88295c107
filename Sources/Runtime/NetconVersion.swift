/// netcon's own release version, shown by `--version` and `status`.
public enum NetconVersion {
    public static let current = "0.1.0"
}
