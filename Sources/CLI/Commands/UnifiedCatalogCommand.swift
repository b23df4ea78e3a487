import API
import Store

/// What the commands over the unified catalog's typed objects (`deal`, `roadshow`) share: the
/// store (merged first, so projects are checked against the current clusters), the reader, and
/// the API's errors as exit codes. A refused roadshow draft prints each problem as
/// `FILE:LINE: field: problem` (`file` names it) and exits 2; another 400 exits 2, a 404 exits 1.
/// A command that `writes` signs a checkpoint afterwards, as every write does.
func withUnifiedCatalog<T>(
    _ context: Context, _ name: String, file: String? = nil, writes: Bool = false, _ body: (CatalogStore, CatalogReader) throws -> T
) async throws -> T {
    let store = try CatalogStore(path: context.data.database)
    try await store.refreshUnified()
    let reader = try CatalogReader(path: context.data.database)
    let result: T
    do {
        result = try body(store, reader)
    } catch let refusal as RoadshowService.Refusal {
        for problem in refusal.problems { context.err.line(problem.located(in: file ?? "(input)")) }
        throw CLIError.usage("\(name): \(refusal.message)")
    } catch let error as APIError {
        throw error.status == 404 ? CLIError.failure("\(name): \(error.message)") : CLIError.usage("\(name): \(error.message)")
    }
    if writes { try await NodeKeys.publish(store, context.data, now: context.now) }
    return result
}
