import ArgumentParser
import Runtime
import ZeroTier

struct PlanetShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Decode a planet file and check its signature (default: the home's planet, else the built-in one)."
    )

    @OptionGroup var homeOptions: HomeOptions

    @Argument(help: ArgumentHelp("A planet file.", valueName: "file"), completion: .file())
    var file: String?

    func run() throws {
        let world: World
        if let file {
            world = try PlanetStore(home: NodeHome(path: "/")).decode(path: file)
        } else {
            world = try PlanetStore(home: homeOptions.resolved).load(allowDefault: true)
        }
        print("\(world.kind) \(world.id)  timestamp \(world.timestamp)  signature \(world.verifySignature() ? "valid" : "INVALID")")
        if world.id == World.earthID { print("(ZeroTier's public planet)") }
        for root in world.roots {
            print("  root \(root.address)  \(root.stableEndpoints.map(\.description).joined(separator: ", "))")
        }
    }
}
