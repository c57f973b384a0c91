using System.Xml;
using System.Xml.Schema;

namespace Palisade.Cwmp.Tests.Support;

/// <summary>Validates written envelopes against the BBF schema of their version, resolving every schema location to a local file.</summary>
internal static class SchemaValidator
{
    private static readonly Dictionary<CwmpVersion, XmlSchemaSet> Sets = [];
    private static readonly Lock Gate = new();

    public static IReadOnlyList<string> Validate(byte[] document, CwmpVersion version)
    {
        var errors = new List<string>();
        var settings = new XmlReaderSettings
        {
            ValidationType = ValidationType.Schema,
            Schemas = SetFor(version),
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings,
            DtdProcessing = DtdProcessing.Prohibit,
        };
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity}: {e.Message} (line {e.Exception?.LineNumber}, col {e.Exception?.LinePosition})");
        using var reader = XmlReader.Create(new MemoryStream(document), settings);
        while (reader.Read())
        {
        }

        // Lax wildcards report "could not find schema information" as warnings when an element is
        // not declared at all; for CWMP content that means the writer invented an element.
        return errors;
    }

    private static XmlSchemaSet SetFor(CwmpVersion version)
    {
        lock (Gate)
        {
            if (Sets.TryGetValue(version, out var cached))
            {
                return cached;
            }

            var file = version switch
            {
                CwmpVersion.V1_0 => "cwmp-1-0.xsd",
                CwmpVersion.V1_1 => "cwmp-1-1.xsd",
                CwmpVersion.V1_2 => "cwmp-1-2.xsd",
                CwmpVersion.V1_3 => "cwmp-1-3.xsd",
                _ => "cwmp-1-4.xsd",
            };
            var set = new XmlSchemaSet { XmlResolver = new LocalResolver() };
            set.Add(null, LocalResolver.PathOf(file));
            set.Compile();
            Sets[version] = set;
            return set;
        }
    }

    /// <summary>Maps the remote schema locations named in the BBF schemas to the copies in Schemas/.</summary>
    private sealed class LocalResolver : XmlResolver
    {
        public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Schemas", file);

        public override object? GetEntity(Uri absoluteUri, string? role, Type? ofObjectToReturn)
        {
            var text = absoluteUri.ToString();
            var local = text switch
            {
                "http://schemas.xmlsoap.org/soap/envelope/" => "soap-envelope.xsd",
                "http://schemas.xmlsoap.org/soap/encoding/" => "soap-encoding.xsd",
                _ when absoluteUri.IsFile => Path.GetFileName(absoluteUri.LocalPath),
                _ => Path.GetFileName(absoluteUri.AbsolutePath),
            };
            var path = PathOf(local);
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"Schema {text} has no local copy; nothing is fetched.");
            }

            return File.OpenRead(path);
        }

        public override Uri ResolveUri(Uri? baseUri, string? relativeUri) =>
            relativeUri is not null && Uri.TryCreate(relativeUri, UriKind.Absolute, out var absolute) ? absolute : base.ResolveUri(baseUri, relativeUri);
    }
}
