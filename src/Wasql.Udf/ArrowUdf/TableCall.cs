// The table (set-returning) arrow-udf protocol: the first exchange yields an iterator handle; each step calls
// record_batch_iterator_next(iter, p), decodes and frees one batch; the end (or Dispose) frees p and drops the iterator.
using Apache.Arrow;
using Wasql.Arrow;
using Wasql.Udf.Pooling;

namespace Wasql.Udf.ArrowUdf;

internal sealed class TableCall
{
    private PooledInstance? _inst;
    private (int P, int L, uint Iter) _handle;

    private TableCall(ArrowUdfFunction f) => Function = f;

    public ArrowUdfFunction Function { get; }
    public RecordBatch? Current { get; private set; }

    public static TableCall Start(ArrowUdfFunction f, ReadOnlySpan<byte> ipc)
    {
        var call = new TableCall(f);
        var inst = f.Module.Pool.Rent(f.Name);
        try
        {
            var (rc, output) = ArrowUdfCalls.Exchange(inst, f, ipc, keepHandle: true, out call._handle);
            if (rc != 0) throw ArrowUdfCalls.GuestError(inst, f, output);
        }
        catch (Exception e)
        {
            var err = inst.Fail(f.Name, e);
            f.Module.Pool.Return(inst);
            throw err;
        }
        call._inst = inst;
        return call;
    }

    public bool MoveNext()
    {
        var inst = _inst;
        if (inst is null) return false;
        var f = Function;
        try
        {
            var next = inst.Export<Action<int, int>>("record_batch_iterator_next");
            var dealloc = GuestBuffers.Dealloc(inst);
            inst.BeginCall();
            next((int)_handle.Iter, _handle.P);
            inst.EndCall();
            var (optr, olen) = GuestBuffers.ReadCSlice(inst, f.Name, (uint)_handle.P);
            if (optr == 0)
            {
                Function.Warm = true;
                inst.Cold = false;
                Finish();
                return false;
            }
            byte[] bytes = GuestBuffers.Range(inst, f.Name, optr, olen).ToArray();
            inst.BeginCall();
            dealloc((int)optr, (int)olen, 1);
            inst.EndCall();
            RecordBatch batch;
            try
            {
                batch = ArrowIpc.ReadFile(new ReadOnlyMemory<byte>(bytes));
            }
            catch (ArrowFormatException e)
            {
                throw new UdfException(UdfErrorKind.Protocol, f.Name, $"guest table output is not a valid Arrow IPC file: {e.Message}", inner: e);
            }
            if (batch.ColumnCount < 2)
                throw new UdfException(UdfErrorKind.Protocol, f.Name, $"guest table output has {batch.ColumnCount} columns (expected row, value[, error])");
            Current = batch;
            return true;
        }
        catch (Exception e)
        {
            _inst = null;
            var err = inst.Fail(f.Name, e);
            f.Module.Pool.Return(inst);
            throw err;
        }
    }

    /// <summary>Frees p and drops the iterator, then returns the instance (healthy) to the pool.</summary>
    private void Finish()
    {
        var inst = _inst!;
        _inst = null;
        try
        {
            var dealloc = GuestBuffers.Dealloc(inst);
            var drop = inst.Export<Action<int>>("record_batch_iterator_drop");
            inst.BeginCall();
            dealloc(_handle.P, _handle.L, 4);
            drop((int)_handle.Iter);
            inst.EndCall();
        }
        catch (Exception e)
        {
            var err = inst.Fail(Function.Name, e);
            Function.Module.Pool.Return(inst);
            throw err;
        }
        Function.Module.Pool.Return(inst);
    }

    public void Dispose()
    {
        if (_inst is null) return;
        try
        {
            Finish();
        }
        catch (UdfException)
        {
            // The instance has been discarded; nothing else to free.
        }
    }
}
