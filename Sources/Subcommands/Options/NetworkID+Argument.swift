import ArgumentParser
import ZeroTier

extension NetworkID: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(argument)
    }

}
