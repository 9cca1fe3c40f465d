// COPY's data formats (PostgreSQL's rules, "COPY" reference page, File Formats): one decoder per format cuts rows
// from CopyInput into field byte ranges; one encoder per format writes a row as the body of a CopyData message.
using System.Buffers.Binary;
using System.Text;
using Wasql.Database;
using Wasql.Database.Copy;
using Wasql.Server.Protocol;

namespace Wasql.Server.Copy;

/// <summary>A field of a decoded row: null, or its (unescaped) bytes.</summary>
internal delegate void FieldSink(int column, ReadOnlySpan<byte> value, bool isNull);

internal abstract class CopyDecoder
{
    public long Line { get; protected set; }

    /// <summary>Reads the next row, handing every field to <paramref name="sink"/>; false at the end of the data.</summary>
    public abstract bool ReadRow(CopyInput input, int columns, FieldSink sink);

    public static CopyDecoder For(CopyOptions o) => o.Format switch
    {
        CopyFormat.Binary => new BinaryDecoder(),
        CopyFormat.Csv => new CsvDecoder(o),
        _ => new TextDecoder(o),
    };

    protected static WasqlException BadFormat(string message) => new(SqlStates.BadCopyFileFormat, message);

    /// <summary>After the end-of-data marker: the rest of the stream is read and ignored, as PostgreSQL does.</summary>
    protected static void Drain(CopyInput input)
    {
        input.Consume(input.Available.Length);
        while (input.More()) input.Consume(input.Available.Length);
    }
}

/// <summary>Text format: rows end at a newline, fields split at the delimiter, backslash escapes, \N for NULL.</summary>
internal sealed class TextDecoder(CopyOptions o) : CopyDecoder
{
    private readonly byte _delimiter = (byte)o.DelimiterChar;
    private readonly byte[] _null = Encoding.UTF8.GetBytes(o.NullString);
    private readonly bool _header = o.Header;
    private byte[] _field = new byte[256];

    public override bool ReadRow(CopyInput input, int columns, FieldSink sink)
    {
        while (true)
        {
            int nl;
            while ((nl = input.Available.IndexOf((byte)'\n')) < 0)
            {
                if (input.More()) continue;
                if (input.Available.Length == 0) return false;
                nl = input.Available.Length;   // a last line without its newline
                break;
            }
            var line = input.Available[..nl];
            if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
            Line++;
            bool skip = _header && Line == 1;
            if (!skip && line.SequenceEqual("\\."u8)) { Drain(input); return false; }
            if (!skip) Split(line, columns, sink);
            input.Consume(Math.Min(nl + 1, input.Available.Length));
            if (!skip) return true;
        }
    }

    private void Split(ReadOnlySpan<byte> line, int columns, FieldSink sink)
    {
        int column = 0, i = 0;
        while (true)
        {
            int s = i;
            while (i < line.Length && line[i] != _delimiter) i += line[i] == '\\' && i + 1 < line.Length ? 2 : 1;
            if (column >= columns)
                throw BadFormat(columns == 0 ? "extra data after last expected column" : "extra data after last expected column");
            var raw = line[s..Math.Min(i, line.Length)];
            if (raw.SequenceEqual(_null)) sink(column, default, true);
            else sink(column, Unescape(raw), false);
            column++;
            if (i >= line.Length) break;
            i++;   // the delimiter
        }
        if (column < columns) throw BadFormat($"missing data for column {column + 1}");
    }

    private ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOf((byte)'\\') < 0) return raw;
        if (_field.Length < raw.Length) _field = new byte[raw.Length * 2];
        int n = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            byte b = raw[i];
            if (b != '\\' || i + 1 >= raw.Length) { _field[n++] = b; continue; }
            byte c = raw[++i];
            switch (c)
            {
                case (byte)'b': _field[n++] = 8; break;
                case (byte)'f': _field[n++] = 12; break;
                case (byte)'n': _field[n++] = 10; break;
                case (byte)'r': _field[n++] = 13; break;
                case (byte)'t': _field[n++] = 9; break;
                case (byte)'v': _field[n++] = 11; break;
                case >= (byte)'0' and <= (byte)'7':
                    {
                        int v = c - '0';
                        for (int k = 0; k < 2 && i + 1 < raw.Length && raw[i + 1] is >= (byte)'0' and <= (byte)'7'; k++) v = v * 8 + (raw[++i] - '0');
                        _field[n++] = (byte)v;
                        break;
                    }
                case (byte)'x' when i + 1 < raw.Length && IsHex(raw[i + 1]):
                    {
                        int v = Hex(raw[++i]);
                        if (i + 1 < raw.Length && IsHex(raw[i + 1])) v = v * 16 + Hex(raw[++i]);
                        _field[n++] = (byte)v;
                        break;
                    }
                default: _field[n++] = c; break;
            }
        }
        return _field.AsSpan(0, n);
    }

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';
    private static int Hex(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}

/// <summary>CSV: fields may be quoted (delimiters, newlines and doubled quotes inside); an unquoted field equal to the
/// NULL string (default: empty) is NULL, a quoted empty string is not.</summary>
internal sealed class CsvDecoder(CopyOptions o) : CopyDecoder
{
    private readonly byte _delimiter = (byte)o.DelimiterChar, _quote = (byte)o.QuoteChar, _escape = (byte)o.EscapeChar;
    private readonly byte[] _null = Encoding.UTF8.GetBytes(o.NullString);
    private readonly bool _header = o.Header;
    private readonly List<(int Start, int Length, bool Quoted)> _fields = [];
    private byte[] _value = new byte[256];

    public override bool ReadRow(CopyInput input, int columns, FieldSink sink)
    {
        while (true)
        {
            int end;   // bytes the row takes, newline included
            int lines;
            while ((end = Scan(input.Available, input.Buffer, input.Start, out lines, atEof: false)) < 0)
            {
                if (input.More()) continue;
                if (input.Available.Length == 0) return false;
                end = Scan(input.Available, input.Buffer, input.Start, out lines, atEof: true);
                if (end < 0) { Line++; throw BadFormat("unterminated CSV quoted field"); }
                break;
            }
            long first = Line + 1;
            Line += lines;
            bool skip = _header && first == 1;
            var row = input.Available[..end];
            var content = row.TrimEnd("\r\n"u8);
            if (!skip && content.SequenceEqual("\\."u8)) { Drain(input); return false; }
            if (!skip) Emit(columns, sink);
            input.Consume(end);
            if (!skip) return true;
        }
    }

    /// <summary>Finds the end of the row at the start of <paramref name="data"/> and records its fields (unescaped into
    /// _value); -1 when the row is not complete yet.</summary>
    private int Scan(ReadOnlySpan<byte> data, byte[] buffer, int bufferStart, out int lines, bool atEof)
    {
        _fields.Clear();
        lines = 1;
        int n = 0, i = 0, fieldStart = 0;
        bool quoted = false, inQuote = false;
        if (_value.Length < data.Length) _value = new byte[Math.Max(data.Length, _value.Length * 2)];
        while (i < data.Length)
        {
            byte b = data[i];
            if (inQuote)
            {
                if (b == _escape && i + 1 < data.Length && (data[i + 1] == _quote || (_escape != _quote && data[i + 1] == _escape)))
                {
                    _value[n++] = data[i + 1]; i += 2; continue;
                }
                if (b == _escape && _escape == _quote && i + 1 >= data.Length && !atEof) return -1;   // maybe a doubled quote
                if (b == _quote) { inQuote = false; i++; continue; }
                if (b == '\n') lines++;
                _value[n++] = b; i++;
                continue;
            }
            if (b == _quote) { inQuote = true; quoted = true; i++; continue; }
            if (b == _delimiter)
            {
                _fields.Add((fieldStart, n - fieldStart, quoted));
                fieldStart = n; quoted = false; i++;
                continue;
            }
            if (b == '\n' || b == '\r')
            {
                int stop = i + 1;
                if (b == '\r')
                {
                    if (i + 1 >= data.Length && !atEof) return -1;
                    if (i + 1 < data.Length && data[i + 1] == '\n') stop++;
                }
                _fields.Add((fieldStart, n - fieldStart, quoted));
                return stop;
            }
            _value[n++] = b; i++;
        }
        if (!atEof || inQuote) return -1;
        _fields.Add((fieldStart, n - fieldStart, quoted));
        return data.Length;
    }

    private void Emit(int columns, FieldSink sink)
    {
        if (_fields.Count > columns) throw BadFormat("extra data after last expected column");
        if (_fields.Count < columns) throw BadFormat($"missing data for column {_fields.Count + 1}");
        for (int c = 0; c < columns; c++)
        {
            var (start, length, quoted) = _fields[c];
            var value = _value.AsSpan(start, length);
            if (!quoted && value.SequenceEqual(_null)) sink(c, default, true);
            else sink(c, value, false);
        }
    }
}

/// <summary>Binary: a signature, flags and header extension, then per row an int16 field count and per field an int32
/// length (-1: NULL) and the value in the column type's binary send format; a count of -1 ends the data.</summary>
internal sealed class BinaryDecoder : CopyDecoder
{
    /// <summary>"PGCOPY\n\377\r\n\0".</summary>
    internal static readonly byte[] Signature = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xff, (byte)'\r', (byte)'\n', 0];
    private bool _headerRead;

    public override bool ReadRow(CopyInput input, int columns, FieldSink sink)
    {
        if (!_headerRead)
        {
            if (!input.Ensure(19)) throw BadFormat("COPY file signature not recognized");
            if (!input.Available[..11].SequenceEqual(Signature)) throw BadFormat("COPY file signature not recognized");
            int flags = BinaryPrimitives.ReadInt32BigEndian(input.Available[11..]);
            if ((flags & 0x10000) != 0) throw BadFormat("COPY file with OIDs is not supported");
            int ext = BinaryPrimitives.ReadInt32BigEndian(input.Available[15..]);
            if (ext < 0) throw BadFormat("invalid COPY file header (wrong length)");
            input.Consume(19);
            if (!input.Ensure(ext)) throw BadFormat("invalid COPY file header (wrong length)");
            input.Consume(ext);
            _headerRead = true;
        }
        if (!input.Ensure(2))
        {
            if (input.Available.Length == 0) return false;   // no trailer: PostgreSQL also accepts the end of data
            throw BadFormat("unexpected EOF in COPY data");
        }
        short count = BinaryPrimitives.ReadInt16BigEndian(input.Available);
        input.Consume(2);
        if (count == -1) { Drain(input); return false; }
        Line++;
        if (count != columns) throw BadFormat($"row field count is {count}, expected {columns}");
        for (int c = 0; c < columns; c++)
        {
            if (!input.Ensure(4)) throw BadFormat("unexpected EOF in COPY data");
            int length = BinaryPrimitives.ReadInt32BigEndian(input.Available);
            input.Consume(4);
            if (length == -1) { sink(c, default, true); continue; }
            if (length < 0 || length > CopyInput.MaxRowBytes) throw BadFormat($"invalid field size {length}");
            if (!input.Ensure(length)) throw BadFormat("unexpected EOF in COPY data");
            sink(c, input.Available[..length], false);
            input.Consume(length);
        }
        return true;
    }
}

/// <summary>Writes rows in a COPY format into CopyData message bodies.</summary>
internal sealed class CopyEncoder(CopyOptions o, IReadOnlyList<ColumnInfo> columns, int[] oids)
{
    private readonly MessageWriter _scratch = new(Stream.Null);
    private readonly byte _delimiter = (byte)o.DelimiterChar, _quote = (byte)o.QuoteChar, _escape = (byte)o.EscapeChar;
    private readonly byte[] _null = Encoding.UTF8.GetBytes(o.NullString);
    private readonly bool[] _forceQuote = columns.Select(c => o.ForceQuote is { } f && (f.Count == 0 || f.Contains(c.Name, StringComparer.OrdinalIgnoreCase))).ToArray();

    /// <summary>What goes before the rows: the binary header, or the HEADER line of column names.</summary>
    public void WriteHeader(MessageWriter w)
    {
        if (o.Format == CopyFormat.Binary)
        {
            w.Start((byte)'d'); w.Bytes(BinaryDecoder.Signature); w.Int32(0); w.Int32(0); w.End();
            return;
        }
        if (!o.Header) return;
        w.Start((byte)'d');
        for (int c = 0; c < columns.Count; c++)
        {
            if (c > 0) w.Byte(_delimiter);
            WriteField(w, Encoding.UTF8.GetBytes(columns[c].Name), c, header: true);
        }
        w.Byte((byte)'\n');
        w.End();
    }

    public void WriteRow(MessageWriter w, object?[] row)
    {
        w.Start((byte)'d');
        if (o.Format == CopyFormat.Binary)
        {
            w.Int16((short)oids.Length);
            for (int c = 0; c < oids.Length; c++) Types.ValueEncoder.Write(w, oids[c], row[c], binary: true);
        }
        else
        {
            for (int c = 0; c < oids.Length; c++)
            {
                if (c > 0) w.Byte(_delimiter);
                if (row[c] is not { } v) { w.Bytes(_null); continue; }
                _scratch.Truncate(0);
                Types.ValueEncoder.WriteText(_scratch, oids[c], v);
                WriteField(w, _scratch.WrittenSince(0), c, header: false);
            }
            w.Byte((byte)'\n');
        }
        w.End();
    }

    /// <summary>Writes the trailer of the binary format.</summary>
    public void WriteTrailer(MessageWriter w)
    {
        if (o.Format != CopyFormat.Binary) return;
        w.Start((byte)'d'); w.Int16(-1); w.End();
    }

    private void WriteField(MessageWriter w, ReadOnlySpan<byte> v, int column, bool header)
    {
        if (o.Format == CopyFormat.Csv)
        {
            bool quote = (!header && _forceQuote[column]) || v.SequenceEqual(_null) || v.IndexOfAny(_delimiter, _quote) >= 0
                         || v.IndexOfAny((byte)'\n', (byte)'\r') >= 0 || (v.Length > 0 && v.SequenceEqual("\\."u8));
            if (!quote) { w.Bytes(v); return; }
            w.Byte(_quote);
            foreach (var b in v)
            {
                if (b == _quote || b == _escape) w.Byte(_escape);
                w.Byte(b);
            }
            w.Byte(_quote);
            return;
        }
        foreach (var b in v)
        {
            switch (b)
            {
                case (byte)'\\': w.Byte((byte)'\\'); w.Byte((byte)'\\'); break;
                case (byte)'\n': w.Byte((byte)'\\'); w.Byte((byte)'n'); break;
                case (byte)'\r': w.Byte((byte)'\\'); w.Byte((byte)'r'); break;
                case (byte)'\t': w.Byte((byte)'\\'); w.Byte((byte)'t'); break;
                case 8: w.Byte((byte)'\\'); w.Byte((byte)'b'); break;
                case 12: w.Byte((byte)'\\'); w.Byte((byte)'f'); break;
                case 11: w.Byte((byte)'\\'); w.Byte((byte)'v'); break;
                default:
                    if (b == _delimiter) w.Byte((byte)'\\');
                    w.Byte(b);
                    break;
            }
        }
    }
}
