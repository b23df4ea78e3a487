/// Lets at most `limit` tasks past at once; the others wait their turn, in order.
///
/// Swift Testing starts every case of a parameterised test together. A test whose cases each
/// open several databases (the convergence schedules) passes through a gate, so that 5,000 cases
/// never hold thousands of files open at once.
public actor AsyncGate {
    private let limit: Int
    private var inside = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(limit: Int) {
        precondition(limit > 0, "a gate lets at least one task past")
        self.limit = limit
    }

    /// Waits until fewer than `limit` tasks are inside, then enters.
    public func enter() async {
        if inside < limit {
            inside += 1
            return
        }
        // The leaving task hands its place over: `inside` stays the same.
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Leaves, letting the longest-waiting task in.
    public func leave() {
        if waiting.isEmpty {
            inside -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
