import CNetconSys
import Glibc
import NetconRPC
import SystemPackage

/// The selftest's socket checks: alice's and bob's stacks driven through the RPC the intercept library uses.
extension SelftestWorld {
    static let transferBytes = 16 << 20

    /// `bytes` from alice to bob over TCP, each side computing a checksum of what it saw.
    func tcpTransfer(family: Int, bytes total: Int = SelftestWorld.transferBytes) throws(SelftestFailure) -> String {
        guard let target = bobAddresses.first(where: { $0.contains(":") == (family == 6) }), let address = RPCAddress(text: target) else {
            throw SelftestFailure("bob has no IPv\(family) address")
        }
        let port = UInt16(7_100 + family)
        let start = monotonicMilliseconds()
        do {
            let listen = try rpc("bob").call(.tcpListen(local: RPCEndpoint(address: nil, port: port), domain: .inet6, backlog: 4,
                                                        listenHost: false, v6Only: false))
            guard listen.reply.error == 0, let listener = listen.descriptor else { throw SelftestFailure("bob cannot listen: errno \(listen.reply.error)") }
            let connect = try rpc("alice").call(.tcpConnect(remote: RPCEndpoint(address: address, port: port),
                                                            domain: family == 6 ? .inet6 : .inet, options: .init()))
            guard connect.reply.error == 0, let client = connect.descriptor else {
                throw SelftestFailure("alice cannot connect to \(target):\(port): \(Errno(rawValue: connect.reply.error))")
            }
            setTimeout(listener.rawValue, seconds: 10)
            var header = [UInt8](repeating: 0, count: 256)
            var raw: CInt = -1
            guard netcon_receive_descriptor(listener.rawValue, &header, header.count, &raw) > 0, raw >= 0 else {
                throw SelftestFailure("bob accepted nothing")
            }
            let server = OwnedDescriptor(rawValue: raw)
            setTimeout(server.rawValue, seconds: 20)
            setTimeout(client.rawValue, seconds: 20)

            let sender = Checksum()
            let writer = JoinableThread {
                var generator = SplitMix(seed: 0x6e65_7463_6f6e)
                var chunk = [UInt8](repeating: 0, count: 1 << 16)
                var sent = 0
                while sent < total {
                    generator.fill(&chunk)
                    sender.add(chunk)
                    guard writeFully(client.rawValue, chunk) else { break }
                    sent += chunk.count
                }
                shutdown(client.rawValue, CInt(SHUT_WR))
            }
            let receiver = Checksum()
            var received = 0
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = read(server.rawValue, &buffer, buffer.count)
                if count <= 0 { break }
                receiver.add(buffer[0..<count])
                received += count
            }
            writer.join()
            guard received == total else { throw SelftestFailure("bob received \(received) of \(total) bytes") }
            guard receiver.value == sender.value else { throw SelftestFailure("checksums differ") }
            let seconds = Double(max(1, monotonicMilliseconds() - start)) / 1000
            return "\(total >> 20) MiB alice → \(target), checksum \(String(receiver.value, radix: 16)), \(Int(Double(total >> 20) / seconds)) MiB/s"
        } catch let failure as SelftestFailure {
            throw failure
        } catch let error as NetconError {
            throw SelftestFailure(error)
        } catch {
            throw SelftestFailure("\(error)")
        }
    }

    /// A datagram each way; each side must see the other's virtual address and port.
    func udpExchange() throws(SelftestFailure) -> String {
        guard let target = bobAddresses.first(where: { !$0.contains(":") }), let bob = RPCAddress(text: target) else {
            throw SelftestFailure("bob has no IPv4 address")
        }
        do {
            let server = try rpc("bob").call(.udpBind(local: RPCEndpoint(address: nil, port: 7_200), domain: .inet, v6Only: false))
            let client = try rpc("alice").call(.udpBind(local: RPCEndpoint(address: nil, port: 0), domain: .inet, v6Only: false))
            guard let serverFD = server.descriptor, let clientFD = client.descriptor, let clientPort = client.reply.local?.port else {
                throw SelftestFailure("cannot bind: errno \(server.reply.error) / \(client.reply.error)")
            }
            setTimeout(serverFD.rawValue, seconds: 2)
            setTimeout(clientFD.rawValue, seconds: 2)
            for attempt in 0..<5 {
                let question = RPCDatagramHeader(peer: RPCEndpoint(address: bob, port: 7_200)).bytes + Array("question \(attempt)".utf8)
                _ = send(clientFD.rawValue, question, question.count, netcon_msg_nosignal)
                guard let (source, payload) = receiveDatagram(serverFD.rawValue) else { continue }
                guard payload == Array("question \(attempt)".utf8) else { throw SelftestFailure("bob received other bytes") }
                guard source.port == clientPort, let aliceAddress = source.address else {
                    throw SelftestFailure("bob saw the datagram come from \(source), not alice's port \(clientPort)")
                }
                let answer = RPCDatagramHeader(peer: source).bytes + Array("answer".utf8)
                _ = send(serverFD.rawValue, answer, answer.count, netcon_msg_nosignal)
                guard let (from, reply) = receiveDatagram(clientFD.rawValue) else { continue }
                guard from == RPCEndpoint(address: bob, port: 7_200), reply == Array("answer".utf8) else {
                    throw SelftestFailure("alice got \(reply.count) bytes from \(from)")
                }
                return "alice \(aliceAddress):\(clientPort) ⇄ bob \(target):7200"
            }
            throw SelftestFailure("no datagram made it after 5 attempts")
        } catch let failure as SelftestFailure {
            throw failure
        } catch let error as NetconError {
            throw SelftestFailure(error)
        } catch {
            throw SelftestFailure("\(error)")
        }
    }

    private func rpc(_ name: String) -> RPCClient { RPCClient(path: home(name).rpcSocket) }

    private func receiveDatagram(_ fd: CInt) -> (RPCEndpoint, [UInt8])? {
        var buffer = [UInt8](repeating: 0, count: 2048)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return buffer.withUnsafeBytes { raw in
            let message = UnsafeRawBufferPointer(rebasing: raw[0..<count])
            guard let header = try? RPCDatagramHeader(prefixOf: message) else { return nil }
            return (header.peer, Array(message[RPCDatagramHeader.size...]))
        }
    }
}

/// FNV-1a over a byte stream, shared by the writer thread and its reader.
final class Checksum: @unchecked Sendable {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    func add(_ bytes: some Collection<UInt8>) {
        var hash = value
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        value = hash
    }
}

/// Reproducible bytes to send.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func fill(_ buffer: inout [UInt8]) {
        buffer.withUnsafeMutableBytes { raw in
            var index = 0
            while index + 8 <= raw.count {
                state &+= 0x9e37_79b9_7f4a_7c15
                var mixed = state
                mixed = (mixed ^ (mixed >> 30)) &* 0xbf58_476d_1ce4_e5b9
                mixed = (mixed ^ (mixed >> 27)) &* 0x94d0_49bb_1331_11eb
                raw.storeBytes(of: mixed ^ (mixed >> 31), toByteOffset: index, as: UInt64.self)
                index += 8
            }
        }
    }
}

func writeFully(_ fd: CInt, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, netcon_msg_nosignal) }
        if written <= 0 { return false }
        offset += written
    }
    return true
}
