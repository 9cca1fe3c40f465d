// Temporary internal stubs so the public API compiles; replaced file by file.
using Wasql.Arrow.Arrays;
using Wasql.Udf.Pooling;

namespace Wasql.Udf.Pooling
{
    internal sealed class PooledInstance { }
    internal sealed class InstancePool(UdfModule module) : IDisposable
    {
        public UdfModule Module = module;
        public UdfPoolStats Stats => default;
        public PooledInstance Rent(string function) => throw new NotImplementedException();
        public void Dispose() { }
    }
    internal sealed class Watchdog(TimeSpan d) : IDisposable { public void Dispose() { } }
}
namespace Wasql.Udf.ArrowUdf
{
    internal static class ModuleScanner { public static void Scan(UdfModule m, List<ArrowUdfFunction> f) { } }
    internal static class TypeVocabulary { public static UdfType? TryParse(string s, int major, IReadOnlyDictionary<string, UdfType> structs) => null; }
    internal sealed class TableCall
    {
        public ArrowUdfFunction Function = null!;
        public RecordBatch? Current;
        public bool MoveNext() => false;
        public void Dispose() { }
    }
}
namespace Wasql.Udf
{
    internal static class ArrowUdfCalls
    {
        public static UdfScalarResult Scalar(ArrowUdfFunction f, RecordBatch b) => throw new NotImplementedException();
        public static UdfTableReader Table(ArrowUdfFunction f, RecordBatch b) => throw new NotImplementedException();
    }
}
namespace Wasql.Udf.Direct
{
    internal sealed class DirectShape(string name, DirectSignature sig) { public static void Check(UdfModule m, string e, DirectSignature s) { } }
    internal sealed class InstanceSlot(InstancePool pool, PooledInstance inst) { public void Release() { } }
    internal static class DirectInvoker { public static object? Invoke(DirectFunction f, InstanceSlot s, ReadOnlySpan<object?> a) => throw new NotImplementedException(); }
    internal static class DirectDelegates
    {
        public static T Pooled<T>(DirectFunction f) where T : Delegate => throw new NotImplementedException();
        public static T ForSession<T>(DirectSession s) where T : Delegate => throw new NotImplementedException();
    }
}
