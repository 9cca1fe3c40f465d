// The client side of a running COPY, implemented by whoever speaks the data format (the server: text, CSV and binary
// over CopyData messages). The database pulls rows from it (FROM) or pushes rows to it (TO) on the session's thread.
namespace Wasql.Database.Copy;

public interface ICopyChannel
{
    /// <summary>Called once the COPY is planned and allowed, before any row: the columns in data order.</summary>
    void Start(CopyStatement statement, IReadOnlyList<ColumnInfo> columns);

    /// <summary>FROM: fills <paramref name="values"/> with the next row (long, double, string, byte[] or null); false at
    /// the end of the data. Malformed data or a client's CopyFail throw a <see cref="WasqlException"/>.</summary>
    bool ReadRow(object?[] values);

    /// <summary>TO: sends one row.</summary>
    void WriteRow(object?[] values);

    /// <summary>TO: all rows sent.</summary>
    void Finish();

    /// <summary>The line (text/CSV) or tuple (binary) being read, for error context: "COPY t, line N".</summary>
    long Line { get; }
}
