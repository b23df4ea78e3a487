extension Sequence<UInt8> {
    /// Calls `body` with the sequence's bytes in one contiguous buffer, copying only when the sequence has
    /// no contiguous storage of its own (arrays, slices and `String.UTF8View` usually do).
    func withContiguousBytes<Value>(_ body: (UnsafeRawBufferPointer) -> Value) -> Value {
        if let value = withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
            return value
        }
        return Array(self).withUnsafeBytes(body)
    }
}
