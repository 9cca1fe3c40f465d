// A command parameter: a name (@x, :x, $x or none for positional ?), a value and, when set, a DbType that decides
// how the value is stored (SQLite keeps integers, reals, text and blobs; the rest travel as their text forms).
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Wasql.Data;

/// <summary>A parameter of a <see cref="WasqlCommand"/>.</summary>
public sealed class WasqlParameter : DbParameter
{
    private DbType? _dbType;
    private string _name = "";

    /// <summary>An unnamed parameter without a value.</summary>
    public WasqlParameter() { }

    /// <summary>A parameter with a name (with or without its @, : or $ prefix) and a value.</summary>
    public WasqlParameter(string? name, object? value)
    {
        ParameterName = name ?? "";
        Value = value;
    }

    /// <inheritdoc/>
    public override DbType DbType { get => _dbType ?? Infer(Value); set => _dbType = value; }
    /// <inheritdoc/>
    public override ParameterDirection Direction
    {
        get => ParameterDirection.Input;
        set { if (value != ParameterDirection.Input) throw new NotSupportedException($"Wasql parameters are input only ({value} is not supported)"); }
    }
    /// <inheritdoc/>
    public override bool IsNullable { get; set; }
    /// <inheritdoc/>
    [AllowNull]
    public override string ParameterName { get => _name; set => _name = value ?? ""; }
    /// <inheritdoc/>
    public override int Size { get; set; }
    /// <inheritdoc/>
    [AllowNull]
    public override string SourceColumn { get; set; } = "";
    /// <inheritdoc/>
    public override bool SourceColumnNullMapping { get; set; }
    /// <inheritdoc/>
    public override object? Value { get; set; }

    /// <inheritdoc/>
    public override void ResetDbType() => _dbType = null;

    /// <summary>The name without its prefix, as the statement's <c>@x</c>, <c>:x</c> and <c>$x</c> all match it.</summary>
    internal string BareName => _name.Length > 0 && _name[0] is '@' or ':' or '$' ? _name[1..] : _name;

    /// <summary>The value as the database binds it: converted to the storage the <see cref="DbType"/> asks for.</summary>
    internal object? DatabaseValue()
    {
        var value = Value;
        if (value is null or DBNull) return null;
        if (_dbType is not { } type) return value is char c ? c.ToString() : value;
        var inv = CultureInfo.InvariantCulture;
        return type switch
        {
            DbType.Int16 or DbType.Int32 or DbType.Int64 or DbType.Byte or DbType.SByte or DbType.UInt16 or DbType.UInt32
                or DbType.UInt64 => Convert.ToInt64(value, inv),
            DbType.Boolean => Convert.ToBoolean(value, inv),
            DbType.Double or DbType.Single => Convert.ToDouble(value, inv),
            DbType.Decimal or DbType.Currency or DbType.VarNumeric => Convert.ToDecimal(value, inv),
            DbType.String or DbType.AnsiString or DbType.StringFixedLength or DbType.AnsiStringFixedLength or DbType.Xml
                => value is IFormattable f ? f.ToString(null, inv) : value.ToString(),
            DbType.Binary => value is byte[] ? value : throw new InvalidCastException($"parameter '{_name}': DbType.Binary needs a byte[] value, not {value.GetType().Name}"),
            DbType.Guid => value is Guid g ? g : Guid.Parse(value.ToString()!),
            _ => value,   // dates and times, Object: the value's own type decides
        };
    }

    private static DbType Infer(object? value) => value switch
    {
        null or DBNull => DbType.Object,
        long => DbType.Int64,
        int => DbType.Int32,
        short => DbType.Int16,
        byte => DbType.Byte,
        bool => DbType.Boolean,
        double => DbType.Double,
        float => DbType.Single,
        decimal => DbType.Decimal,
        string or char => DbType.String,
        byte[] => DbType.Binary,
        Guid => DbType.Guid,
        DateTime => DbType.DateTime,
        DateTimeOffset => DbType.DateTimeOffset,
        DateOnly => DbType.Date,
        TimeOnly or TimeSpan => DbType.Time,
        _ => DbType.Object,
    };
}
