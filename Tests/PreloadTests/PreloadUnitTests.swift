import Foundation
import Testing

/// The library's pure C parts (address conversion, route matching with v4-mapped addresses, datagram headers,
/// the inode-keyed socket table) checked by a C driver compiled with exactly those files.
@Suite struct PreloadUnitTests {
    @Test func pureHelpersPassEveryCheck() throws {
        let directory = try PreloadTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sources = ["address.c", "routes.c", "datagram.c", "socket_table.c", "dns_message.c", "resolver_services.c"].map { PreloadTestSupport.librarySources + "/" + $0 }
        let driverSource = PreloadTestSupport.programs + "/unit_driver.c"
        let driver = try PreloadTestSupport.compile(
            [driverSource] + sources, output: "unit_driver", in: directory,
            flags: ["-I", PreloadTestSupport.rpcInclude, "-I", PreloadTestSupport.librarySources])
        let result = try PreloadTestSupport.run(driver, [])

        let failures = result.stdoutLines.filter { $0.hasPrefix("FAIL") }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(result.status == 0)
        #expect(result.stdoutLines.last == "0 failed")
        // Every CHECK in the driver ran (a crash or an early return would leave some out).
        let declared = try String(contentsOfFile: driverSource, encoding: .utf8)
            .components(separatedBy: "CHECK(\"").count - 1
        let passed = result.stdoutLines.filter { $0.hasPrefix("ok ") }
        #expect(passed.count == declared)
        #expect(passed.count > 40)
    }
}
