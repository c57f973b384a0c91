using System.Text;
using Palisade.Acs.Devices;

namespace Palisade.Acs.FactoryCredentials;

/// <summary>
/// Reads a factory-credential file: CSV (RFC 4180 quoting) with the header
/// <c>id,username,password,connectionRequestUsername,connectionRequestPassword,rotate</c>. Every line is checked
/// before anything is used; each problem is reported with its line number and never with a password.
/// </summary>
public static class FactoryCredentialFile
{
    /// <summary>The header a file must start with.</summary>
    public const string Header = "id,username,password,connectionRequestUsername,connectionRequestPassword,rotate";

    /// <summary>The most devices one file may hold.</summary>
    public const int MaxDevices = 100_000;

    /// <summary>The longest line accepted.</summary>
    public const int MaxLineLength = 4096;

    /// <summary>The longest user name or password accepted (TR-181 gives 256).</summary>
    public const int MaxFieldLength = 256;

    /// <summary>Parses <paramref name="text"/>; <paramref name="errors"/> holds one message per bad line (empty when the file is good).</summary>
    public static IReadOnlyList<FactoryDevice> Parse(string text, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(text);
        var problems = new List<string>();
        var devices = new List<FactoryDevice>();
        var seen = new Dictionary<DeviceId, int>();
        var lines = text.Split('\n');
        var header = lines.Length > 0 ? lines[0].TrimEnd('\r').TrimStart('\uFEFF') : string.Empty;
        if (header != Header)
        {
            errors = [$"line 1: the header must be exactly '{Header}'."];
            return [];
        }

        for (var i = 1; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (devices.Count + problems.Count >= MaxDevices)
            {
                problems.Add($"line {number}: a file holds at most {MaxDevices} devices; split it.");
                break;
            }

            if (Check(line, number, out var device) is { } problem)
            {
                problems.Add(problem);
            }
            else if (seen.TryGetValue(device!.Id, out var first))
            {
                problems.Add($"line {number}: device '{device.Id}' is a duplicate of line {first}.");
            }
            else
            {
                seen[device.Id] = number;
                devices.Add(device);
            }
        }

        if (devices.Count == 0 && problems.Count == 0)
        {
            problems.Add("line 2: the file lists no device.");
        }

        errors = problems;
        return problems.Count == 0 ? devices : [];
    }

    private static string? Check(string line, int number, out FactoryDevice? device)
    {
        device = null;
        if (line.Length > MaxLineLength)
        {
            return $"line {number}: longer than {MaxLineLength} characters.";
        }

        if (Split(line) is not { } fields)
        {
            return $"line {number}: a quoted field is not closed or is followed by text.";
        }

        if (fields.Count != 6)
        {
            return $"line {number}: {fields.Count} fields where the header has 6.";
        }

        if (!DeviceId.TryParse(fields[0], out var id))
        {
            return $"line {number}: '{Clip(fields[0])}' is not a device id (OUI-ProductClass-SerialNumber).";
        }

        if (fields[1].Length == 0 || fields[2].Length == 0)
        {
            return $"line {number}: username and password are required.";
        }

        for (var f = 1; f <= 4; f++)
        {
            if (fields[f].Length > MaxFieldLength || fields[f].Any(char.IsControl))
            {
                return $"line {number}: {Names[f]} must be at most {MaxFieldLength} printable characters.";
            }
        }

        if ((fields[3].Length == 0) != (fields[4].Length == 0))
        {
            return $"line {number}: connectionRequestUsername and connectionRequestPassword go together (both or neither).";
        }

        bool rotate;
        switch (fields[5].Trim())
        {
            case "true": rotate = true; break;
            case "false": rotate = false; break;
            default: return $"line {number}: rotate must be true or false, not '{Clip(fields[5])}'.";
        }

        device = new FactoryDevice(number, id, fields[1], fields[2], fields[3].Length == 0 ? null : fields[3], fields[4].Length == 0 ? null : fields[4], rotate);
        return null;
    }

    private static readonly string[] Names = ["id", "username", "password", "connectionRequestUsername", "connectionRequestPassword", "rotate"];

    // RFC 4180 fields; null when a quote is left open or a closing quote is followed by anything but a comma.
    private static List<string>? Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (true)
        {
            field.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        return null;
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(line[i++]);
                }

                if (i < line.Length && line[i] != ',')
                {
                    return null;
                }
            }
            else
            {
                while (i < line.Length && line[i] != ',')
                {
                    field.Append(line[i++]);
                }
            }

            fields.Add(field.ToString());
            if (i >= line.Length)
            {
                return fields;
            }

            i++; // the comma
        }
    }

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
