import Glibc
import UnderlayFaults

/// Part four: TCP over a faulty underlay — the loss rates of the TCP issue with 2 % duplication and 10 %
/// reordering unless told otherwise — between two `netcon run` members whose received datagrams meet the faults
/// (NETCON_TEST_UNDERLAY_FAULTS), next to the kernel's TCP over the same faults (`KernelLink`), every byte
/// checked. Each row: seconds for the kernel, for netcon each way, and netcon's slower way over the kernel's.
func lossBench(executable: String, sizes: [Int], losses: [Double], duplicate: Double, reorder: Double,
               deadlineSeconds: Int) throws {
    print("TCP over a faulty underlay (\(formatted(duplicate * 100, digits: 0)) % duplicated, "
          + "\(formatted(reorder * 100, digits: 0)) % reordered by 2 ms, loss as given; bytes checked; "
          + "not done within \(deadlineSeconds) s: —):")
    print("  loss   size     kernel    netcon m1→m2  netcon m2→m1  netcon/kernel")
    for loss in losses {
        let faults = UnderlayFaults(loss: loss, duplicate: duplicate, reorder: reorder, reorderDelayMilliseconds: 2, seed: 7)
        var kernel: [Int: Double?] = [:]
        var kernelNote = ""
        do {
            let link = try KernelLink(faults: faults)
            defer { link.tearDown() }
            for size in sizes { kernel[size] = try link.transfer(bytes: size << 20, deadlineSeconds: deadlineSeconds) }
        } catch {
            kernelNote = " (kernel: \(error))"
        }
        let world = try BenchWorld(executable: executable, memberEnvironment: ["\("NETCON_TEST_UNDERLAY_FAULTS")=\(faults)"])
        activeWorld.withLock { $0 = world }
        defer { activeWorld.withLock { $0?.tearDown(); $0 = nil } }
        let addresses = try world.start()
        let forward = try NodeTransfer(world: world, addresses: addresses, from: "m1", to: "m2")
        let backward = try NodeTransfer(world: world, addresses: addresses, from: "m2", to: "m1")
        defer { close(forward.listener); close(backward.listener) }
        // Untimed, as in the TCP part: ARP and the members' first path (through the root until they meet
        // directly) take a few hundred ms under these faults, which the kernel's tun link has none of.
        for transfer in [forward, backward] { _ = try transfer.timed(bytes: 64 << 10, deadlineSeconds: deadlineSeconds) }
        for size in sizes {
            let there = try forward.timed(bytes: size << 20, deadlineSeconds: deadlineSeconds)
            let back = try backward.timed(bytes: size << 20, deadlineSeconds: deadlineSeconds)
            let reference = kernel[size] ?? nil
            let slower = (there == nil || back == nil) ? nil : max(there!, back!)
            let ratio = slower.flatMap { slower in reference.map { formatted(slower / $0, digits: 2) } } ?? "—"
            let key = "loss_\(Int(loss * 100))pct_\(size)MiB"
            if let reference { results[key + "_kernel_s"] = reference }
            if let there { results[key + "_netcon_m1_m2_s"] = there }
            if let back { results[key + "_netcon_m2_m1_s"] = back }
            print("  \(pad(formatted(loss * 100, digits: 0) + " %", 6)) \(pad("\(size) MiB", 8)) \(pad(seconds(reference), 9)) "
                  + "\(pad(seconds(there), 13)) \(pad(seconds(back), 13)) \(ratio)\(kernelNote)")
            kernelNote = ""
        }
    }
}

private func seconds(_ value: Double?) -> String { value.map { formatted($0, digits: 2) + " s" } ?? "—" }

func pad(_ text: String, _ width: Int) -> String { text.count >= width ? text : text + String(repeating: " ", count: width - text.count) }
