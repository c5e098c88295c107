import Testing
import UnderlayFaults

/// The fault model of the test underlay and the loss benchmark: what its text says is what datagrams meet.
@Suite struct UnderlayFaultsTests {
    @Test func theTextFormRoundTripsAndRefusesWhatItDoesNotKnow() throws {
        let faults = try UnderlayFaults(parsing: "loss=0.05,duplicate=0.02,reorder=0.1,corrupt=0.01,delay-ms=3,jitter-ms=4,outage=0.2,outage-period-ms=500,seed=9")
        #expect(try UnderlayFaults(parsing: faults.description) == faults)
        #expect(faults.jitterMilliseconds == 4 && faults.outage == 0.2 && faults.outagePeriodMilliseconds == 500)
        #expect(throws: UnderlayFaults.ParseError.unknownName("drop")) { try UnderlayFaults(parsing: "drop=0.1") }
        #expect(throws: UnderlayFaults.ParseError.outOfRange("outage=1.5")) { try UnderlayFaults(parsing: "outage=1.5") }
        #expect(throws: UnderlayFaults.ParseError.outOfRange("outage-period-ms=0")) { try UnderlayFaults(parsing: "outage-period-ms=0") }
        #expect(throws: UnderlayFaults.ParseError.malformed("jitter-ms")) { try UnderlayFaults(parsing: "jitter-ms") }
        #expect(try UnderlayFaults(parsing: "seed=3").isNone)
    }

    @Test func proportionsHoldAndTheSameSeedGivesTheSameFates() throws {
        let faults = UnderlayFaults(loss: 0.05, duplicate: 0.02, reorder: 0.1, corrupt: 0.01, seed: 5)
        var first = FaultInjector(faults), second = FaultInjector(faults)
        var lost = 0, duplicated = 0, delayed = 0, corrupted = 0
        let count = 100_000
        for _ in 0..<count {
            let fate = first.fate(length: 100)
            #expect(fate == second.fate(length: 100))
            if fate.copies == 0 { lost += 1 }
            if fate.copies == 2 { duplicated += 1 }
            if fate.delayed { delayed += 1; #expect(fate.delayMilliseconds == 2) }
            if let bit = fate.corruptedBit { corrupted += 1; #expect(bit < 800) }
        }
        func near(_ observed: Int, _ proportion: Double, _ of: Int) -> Bool { abs(Double(observed) / Double(of) - proportion) < proportion * 0.15 }
        #expect(near(lost, 0.05, count))
        let delivered = count - lost
        #expect(near(duplicated, 0.02, delivered) && near(delayed, 0.1, delivered) && near(corrupted, 0.01, delivered))
    }

    @Test func outagesTakeTheStartOfEachPeriodAndJitterStaysWithinItsBound() {
        var injector = FaultInjector(UnderlayFaults(jitterMilliseconds: 7, outage: 0.25, outagePeriodMilliseconds: 1000))
        for now in stride(from: Int64(0), to: 5000, by: 10) {
            let fate = injector.fate(length: 64, now: now)
            if now % 1000 < 250 {
                #expect(fate.copies == 0, "delivered at \(now) ms, inside an outage")
            } else {
                #expect(fate.copies == 1 && (0...7).contains(fate.delayMilliseconds), "at \(now) ms: \(fate)")
            }
        }
    }
}
