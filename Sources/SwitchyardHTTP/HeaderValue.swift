import HTTPTypes

extension HTTPFields {
    /// The value of `name` as the subscript gives it (the values of several fields joined), without building a new
    /// string when one field has it: the subscript joins even a single value, and every request reads a few headers.
    /// - Parameter name: The field's name.
    /// - Returns: The value, or nil when no field has that name.
    public func value(of name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            if found != nil { return self[name] }
            found = field.value
        }
        return found
    }
}
