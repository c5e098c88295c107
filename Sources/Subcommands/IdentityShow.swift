import ArgumentParser
import Runtime

struct IdentityShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the home's public identity (ADDRESS:0:PUBLICKEY), as identity.public holds it."
    )

    @OptionGroup var homeOptions: HomeOptions

    func run() throws {
        let home = homeOptions.resolved
        try home.requireUsableDirectory()
        guard let identity = try IdentityStore(home: home).loadPublic() else { throw NetconError.noIdentity(home: home.path) }
        print(identity.publicString)
    }
}
