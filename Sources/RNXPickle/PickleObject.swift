/// A compound value on the heap.
///
/// Containers hold their items in the order the pickle added them. Keys of a dict (and elements of a set) are
/// unique as Python would make them for scalar keys (`1`, `1.0` and `True` are one key; a later SETITEM replaces the
/// value in place); objects used as keys compare by identity.
public enum PickleObject: Sendable {
    /// A tuple's items (TUPLE, TUPLE1 to TUPLE3, EMPTY_TUPLE).
    case tuple([PickleValue])
    /// A list's items, including those APPEND and APPENDS added.
    case list([PickleValue])
    /// A dict's pairs in insertion order, as Python keeps them.
    case dict([(key: PickleValue, value: PickleValue)])
    /// A set's items in the order ADDITEMS added them.
    case set([PickleValue])
    /// A frozenset's items (FROZENSET).
    case frozenSet([PickleValue])
    /// A global pushed by GLOBAL or STACK_GLOBAL; only allowed ones are ever pushed.
    indirect case global(GlobalName)
    /// What REDUCE, NEWOBJ, NEWOBJ_EX, INST or OBJ would have created, recorded instead of called.
    indirect case instance(PickleInstance)
    /// The argument of a PERSID or BINPERSID opcode, for the caller to interpret (torch uses it for storages).
    case persistent(PickleValue)
}

extension PickleObject {
    /// The Python type name of the object, as error messages show it (`tuple`, `dict`, `instance of a.B`, ...).
    public var kindName: String {
        switch self {
        case .tuple: "a tuple"
        case .list: "a list"
        case .dict: "a dict"
        case .set: "a set"
        case .frozenSet: "a frozenset"
        case .global(let name): "the global \(name)"
        case .instance(let instance) where instance.callee == .opaqueCall: "the result of an opaque call"
        case .instance(let instance): "an instance of \(instance.callee)"
        case .persistent: "a persistent id"
        }
    }
}
