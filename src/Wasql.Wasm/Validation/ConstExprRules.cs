// Constant expressions (global initialisers, segment offsets, element items): the Wasm 2.0 rules.
// global.get may only name an imported, immutable global; ref.func must name an existing function;
// the expression's type must be the one the context expects.
using Wasql.Wasm.Model;

namespace Wasql.Wasm.Validation;

internal static class ConstExprRules
{
    /// <summary>Checks <paramref name="e"/> has type <paramref name="expected"/>; <paramref name="where"/> names it in errors.</summary>
    public static void Check(ModuleInfo info, in ConstExpr e, ValType expected, string where)
    {
        ValType actual;
        switch (e.Kind)
        {
            case ConstKind.NotConstant:
                throw new InvalidModuleException($"constant expression required in {where}");
            case ConstKind.WrongArity:
                throw new InvalidModuleException(
                    $"type mismatch in {where}: a constant expression must produce exactly one value, this one has {e.Bits} instructions");
            case ConstKind.I32: actual = ValType.I32; break;
            case ConstKind.I64: actual = ValType.I64; break;
            case ConstKind.F32: actual = ValType.F32; break;
            case ConstKind.F64: actual = ValType.F64; break;
            case ConstKind.V128: actual = ValType.V128; break;
            case ConstKind.RefNull: actual = e.RefType; break;
            case ConstKind.RefFunc:
                if (e.Index >= (uint)info.FunctionTypes.Count)
                    throw new InvalidModuleException($"unknown function {e.Index} in {where}");
                actual = ValType.FuncRef;
                break;
            case ConstKind.GlobalGet:
                // Wasm 2.0: only imported globals are visible to constant expressions.
                if (e.Index >= (uint)info.ImportedGlobalCount)
                    throw new InvalidModuleException(
                        $"unknown global {e.Index} in {where}: constant expressions may only read imported globals ({info.ImportedGlobalCount} imported)");
                var g = info.Globals[(int)e.Index];
                if (g.Mutable)
                    throw new InvalidModuleException($"constant expression required in {where}: global {e.Index} is mutable");
                actual = g.Type;
                break;
            default:
                throw new InvalidModuleException($"constant expression required in {where}");
        }
        if (actual != expected)
            throw new InvalidModuleException($"type mismatch in {where}: expected {expected.Name()}, found {actual.Name()}");
    }
}
