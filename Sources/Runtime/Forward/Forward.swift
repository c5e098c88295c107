/// One started rule.
protocol Forward: AnyObject {
    /// Loop thread: closes its listener and everything relayed through it.
    func close()
}
