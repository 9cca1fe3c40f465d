// The four kinds of things instances import and export.
namespace Wasql.Wasm;

public abstract class Extern
{
    public abstract ExternKind Kind { get; }
}
