using System.Globalization;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

namespace Palisade.Cwmp.Codec;

/// <summary>Values, arrays and the structures shared by several messages.</summary>
internal sealed partial class MessageReader
{
    private ChildElements Children() => new(_r);

    private string Text() => _r.ReadText();

    private static bool Bool(string text, string what) =>
        ParameterValue.TryParseBoolean(text, out var value) ? value : throw Invalid($"{what} '{Clip(text)}' is not a boolean.");

    private static uint UInt(string text, string what) =>
        uint.TryParse(text.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Invalid($"{what} '{Clip(text)}' is not an unsignedInt.");

    private static int Int(string text, string what) =>
        int.TryParse(text.AsSpan().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Invalid($"{what} '{Clip(text)}' is not an int.");

    private static DateTimeOffset Time(string text, string what)
    {
        if (text.Length == 0)
        {
            return CwmpDateTime.Unknown;
        }

        return CwmpDateTime.TryParse(text, out var value) ? value : throw Invalid($"{what} '{Clip(text)}' is not a dateTime.");
    }

    private uint UIntField(string what) => UInt(Text(), what);

    private int IntField(string what) => Int(Text(), what);

    private bool BoolField(string what) => Bool(Text(), what);

    private DateTimeOffset TimeField(string what) => Time(Text(), what);

    private EquatableList<string> StringArray()
    {
        List<string>? items = null;
        foreach (var _ in Children())
        {
            (items ??= []).Add(Text());
            _r.CheckArrayLength(items.Count);
        }

        return items is null ? EquatableList<string>.Empty : EquatableList<string>.FromArray([.. items]);
    }

    private EquatableList<T> Array<T>(Func<MessageReader, T> readItem)
    {
        List<T>? items = null;
        foreach (var _ in Children())
        {
            (items ??= []).Add(readItem(this));
            _r.CheckArrayLength(items.Count);
        }

        return items is null ? EquatableList<T>.Empty : EquatableList<T>.FromArray([.. items]);
    }

    private ParameterValueStruct ParameterValueStruct()
    {
        string? name = null;
        ParameterValue? value = null;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "Name":
                    name = Once(name, Text(), "Name");
                    break;
                case "Value":
                    var type = _r.GetAttribute("type", CwmpVersions.XsiNamespace);
                    var text = Text();
                    value = Once(value, ParameterValue.Parse(type, text), "Value");
                    break;
                default:
                    _r.Skip();
                    break;
            }
        }

        // Some CPEs leave <Value> out for a parameter they cannot read (seen from a Cisco SPA122,
        // genieacs/genieacs#317); it is taken as an empty string rather than failing the session.
        return new ParameterValueStruct(
            name ?? throw Invalid("ParameterValueStruct without Name."),
            value ?? ParameterValue.String(string.Empty));
    }

    private ParameterInfoStruct ParameterInfoStruct()
    {
        string? name = null;
        bool? writable = null;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "Name": name = Once(name, Text(), "Name"); break;
                case "Writable": writable = Once(writable, BoolField("Writable"), "Writable"); break;
                default: _r.Skip(); break;
            }
        }

        return new ParameterInfoStruct(name ?? throw Invalid("ParameterInfoStruct without Name."), writable ?? throw Invalid("ParameterInfoStruct without Writable."));
    }

    private ParameterAttributeStruct ParameterAttributeStruct()
    {
        string? name = null;
        int? notification = null;
        var access = EquatableList<string>.Empty;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "Name": name = Once(name, Text(), "Name"); break;
                case "Notification": notification = Once(notification, IntField("Notification"), "Notification"); break;
                case "AccessList": access = StringArray(); break;
                default: _r.Skip(); break;
            }
        }

        return new ParameterAttributeStruct(name ?? throw Invalid("ParameterAttributeStruct without Name."), notification ?? throw Invalid("ParameterAttributeStruct without Notification."), access);
    }

    private SetParameterAttributesStruct SetParameterAttributesStruct()
    {
        string? name = null;
        bool notificationChange = false, accessListChange = false;
        var notification = 0;
        var access = EquatableList<string>.Empty;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "Name": name = Once(name, Text(), "Name"); break;
                case "NotificationChange": notificationChange = BoolField("NotificationChange"); break;
                case "Notification": notification = IntField("Notification"); break;
                case "AccessListChange": accessListChange = BoolField("AccessListChange"); break;
                case "AccessList": access = StringArray(); break;
                default: _r.Skip(); break;
            }
        }

        return new SetParameterAttributesStruct(name ?? throw Invalid("SetParameterAttributesStruct without Name."), notificationChange, notification, accessListChange, access);
    }

    private TransferFault TransferFault()
    {
        var code = 0;
        var text = string.Empty;
        foreach (var child in Children())
        {
            switch (child)
            {
                case "FaultCode": code = IntField("FaultCode"); break;
                case "FaultString": text = Text(); break;
                default: _r.Skip(); break;
            }
        }

        return new TransferFault(code, text);
    }

    private static T Once<T>(T? existing, T value, string what) =>
        existing is null ? value : throw Invalid($"<{what}> appears more than once.");

    private static string Need(string? value, string message, string element) =>
        value ?? throw Invalid($"{message} has no <{element}>.");

    private static CwmpException Invalid(string message) => new(CwmpErrorReason.InvalidArguments, message);

    private static string Clip(string? text) => ClientText.Clip(text);
}
