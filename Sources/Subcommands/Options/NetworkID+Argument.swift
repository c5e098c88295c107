import ArgumentParser
import ZeroTier

extension NetworkID: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(argument)
    }

    public static var defaultValueDescription: String { "16 hex digits" }
}
