using System.Collections.Frozen;
using System.Xml;
using System.Xml.Linq;
using Palisade.Cwmp.Values;

namespace Palisade.Cpe.Model;

/// <summary>Which Broadband Forum root data model a device implements.</summary>
public enum RootModel
{
    /// <summary>TR-181 <c>Device:2</c>.</summary>
    Tr181,

    /// <summary>TR-098 <c>InternetGatewayDevice:1</c>.</summary>
    Tr098,
}

/// <summary>One parameter as the data-model definition describes it.</summary>
/// <param name="Name">The name relative to its object.</param>
/// <param name="Type">The CWMP type it is carried as.</param>
/// <param name="Writable">readWrite access.</param>
/// <param name="DataType">The named data type (MACAddress, IPAddress, …), if any.</param>
/// <param name="Enumeration">Allowed values for an enumerated string; empty when free.</param>
/// <param name="Default">The factory default, if the definition gives one.</param>
/// <param name="MaxLength">The longest value allowed, for strings.</param>
/// <param name="Min">The smallest number allowed, if bounded.</param>
/// <param name="Max">The largest number allowed, if bounded.</param>
/// <param name="IsList">A comma-separated list.</param>
/// <param name="Secured">A secret (password, key): read back as empty.</param>
public sealed record ParameterSchema(
    string Name,
    XsdType Type,
    bool Writable,
    string? DataType,
    IReadOnlyList<string> Enumeration,
    string? Default,
    int? MaxLength,
    long? Min,
    long? Max,
    bool IsList,
    bool Secured);

/// <summary>One object (or table, when its path holds <c>{i}</c>).</summary>
public sealed record ObjectSchema(string Path, bool Writable, bool IsTable, IReadOnlyList<ParameterSchema> Parameters, string? NumEntriesParameter = null)
{
    /// <summary>The table path AddObject takes (<c>Device.WiFi.SSID.</c> for <c>Device.WiFi.SSID.{i}.</c>).</summary>
    public string TablePath => IsTable ? Path[..^"{i}.".Length] : Path;
}

/// <summary>
/// A Broadband Forum root data model read from its "full" XML definition (TR-181, TR-098): every object and
/// parameter with type, access, enumerations, ranges and defaults. Descriptions are not kept.
/// </summary>
public sealed class DataModelSchema
{
    private static readonly Lazy<DataModelSchema> Tr181Model = new(() => LoadEmbedded("DataModels.tr-181-2-17-0-cwmp-full.xml"));
    private static readonly Lazy<DataModelSchema> Tr098Model = new(() => LoadEmbedded("DataModels.tr-098-1-8-0-full.xml"));

    private DataModelSchema(string name, string root, IReadOnlyList<ObjectSchema> objects)
    {
        Name = name;
        Root = root;
        Objects = objects;
        ByPath = objects.ToFrozenDictionary(o => o.Path, StringComparer.Ordinal);
    }

    /// <summary>The model's name, e.g. <c>Device:2.17</c>.</summary>
    public string Name { get; }

    /// <summary><c>Device.</c> or <c>InternetGatewayDevice.</c>.</summary>
    public string Root { get; }

    /// <summary>Objects in definition order (parents before children).</summary>
    public IReadOnlyList<ObjectSchema> Objects { get; }

    /// <summary>Objects by their schema path (with <c>{i}</c>).</summary>
    public FrozenDictionary<string, ObjectSchema> ByPath { get; }

    /// <summary>The embedded definition of a root model (parsed once per process).</summary>
    public static DataModelSchema For(RootModel model) => model == RootModel.Tr098 ? Tr098Model.Value : Tr181Model.Value;

    /// <summary>Reads a full data-model definition.</summary>
    public static DataModelSchema Load(Stream xml)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true };
        using var reader = XmlReader.Create(xml, settings);
        var document = XDocument.Load(reader);
        var rootElement = document.Root ?? throw new InvalidDataException("The data-model file is empty.");
        // The document element is namespaced (dm:document); its children are unqualified.
        var ns = XNamespace.None;

        var dataTypes = rootElement.Elements(ns + "dataType").Where(d => d.Attribute("name") is not null)
            .ToDictionary(d => (string)d.Attribute("name")!, StringComparer.Ordinal);
        var model = rootElement.Element(ns + "model") ?? throw new InvalidDataException("The data-model file has no <model>.");
        var objects = new List<ObjectSchema>();
        foreach (var obj in model.Elements(ns + "object"))
        {
            var path = (string?)obj.Attribute("name");
            if (path is null)
            {
                continue;
            }

            var parameters = new List<ParameterSchema>();
            foreach (var p in obj.Elements(ns + "parameter"))
            {
                if ((string?)p.Attribute("name") is not { } name || p.Element(ns + "syntax") is not { } syntax)
                {
                    continue;
                }

                parameters.Add(ReadParameter(ns, name, (string?)p.Attribute("access") == "readWrite", syntax, dataTypes));
            }

            objects.Add(new ObjectSchema(path, (string?)obj.Attribute("access") == "readWrite", path.EndsWith("{i}.", StringComparison.Ordinal), parameters, (string?)obj.Attribute("numEntriesParameter")));
        }

        var root = objects.Count > 0 && objects[0].Path.StartsWith("InternetGatewayDevice.", StringComparison.Ordinal) ? "InternetGatewayDevice." : "Device.";
        return new DataModelSchema((string?)model.Attribute("name") ?? "unknown", root, objects);
    }

    private static DataModelSchema LoadEmbedded(string resource)
    {
        using var stream = typeof(DataModelSchema).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded data model {resource} is missing from this build.");
        return Load(stream);
    }

    private static ParameterSchema ReadParameter(XNamespace ns, string name, bool writable, XElement syntax, Dictionary<string, XElement> dataTypes)
    {
        var isList = syntax.Element(ns + "list") is not null;
        var secured = (string?)syntax.Attribute("secured") == "true" || (string?)syntax.Attribute("hidden") == "true";
        var defaultValue = (string?)syntax.Elements(ns + "default").FirstOrDefault(d => (string?)d.Attribute("type") is "factory" or "object")?.Attribute("value");
        string? dataTypeName = null;
        var typeElement = syntax.Elements().FirstOrDefault(e => e.Name.LocalName is not ("list" or "default" or "units"));
        var enumeration = new List<string>();
        int? maxLength = null;
        long? min = null, max = null;

        // Follow named data types down to their primitive, collecting facets on the way.
        for (var depth = 0; typeElement is not null && depth < 16; depth++)
        {
            Facets(ns, typeElement, enumeration, ref maxLength, ref min, ref max);
            if (typeElement.Name.LocalName == "dataType")
            {
                var reference = (string?)typeElement.Attribute("ref") ?? (string?)typeElement.Attribute("base");
                dataTypeName ??= reference;
                if (reference is null || !dataTypes.TryGetValue(reference, out var definition))
                {
                    typeElement = null;
                    break;
                }

                typeElement = definition.Attribute("base") is { } b
                    ? new XElement(ns + "dataType", new XAttribute("ref", b.Value), definition.Elements())
                    : definition.Elements().FirstOrDefault(e => e.Name.LocalName is not ("description" or "list"));
                isList |= definition.Element(ns + "list") is not null;
                continue;
            }

            break;
        }

        var type = typeElement?.Name.LocalName switch
        {
            "unsignedInt" => XsdType.UnsignedInt,
            "int" => XsdType.Int,
            "long" => XsdType.Long,
            "unsignedLong" => XsdType.UnsignedLong,
            "boolean" => XsdType.Boolean,
            "dateTime" => XsdType.DateTime,
            "base64" => XsdType.Base64,
            "hexBinary" => XsdType.HexBinary,
            _ => XsdType.String,
        };
        if (isList)
        {
            type = XsdType.String;
        }

        return new ParameterSchema(name, type, writable, dataTypeName, enumeration, defaultValue, maxLength, min, max, isList, secured);
    }

    private static void Facets(XNamespace ns, XElement element, List<string> enumeration, ref int? maxLength, ref long? min, ref long? max)
    {
        foreach (var e in element.Elements(ns + "enumeration"))
        {
            if ((string?)e.Attribute("value") is { } value && !enumeration.Contains(value))
            {
                enumeration.Add(value);
            }
        }

        if (element.Element(ns + "size") is { } size && int.TryParse((string?)size.Attribute("maxLength"), out var length))
        {
            maxLength ??= length;
        }

        if (element.Element(ns + "range") is { } range)
        {
            if (long.TryParse((string?)range.Attribute("minInclusive"), out var lo))
            {
                min ??= lo;
            }

            if (long.TryParse((string?)range.Attribute("maxInclusive"), out var hi))
            {
                max ??= hi;
            }
        }
    }
}
