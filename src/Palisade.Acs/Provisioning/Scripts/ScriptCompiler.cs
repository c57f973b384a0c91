using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Jint;

namespace Palisade.Acs.Provisioning.Scripts;

/// <summary>
/// Parses each script version once and keeps it, keyed by the SHA-256 of its body, so a session costs no parsing. The
/// body runs inside a function (<c>(function () { … })()</c>), as GenieACS runs it: a virtual parameter's top-level
/// <c>return</c> is legal, and its <c>let</c>/<c>const</c> stay local to the run. Shared by every session.
/// </summary>
public sealed class ScriptCompiler(ScriptLimits limits)
{
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);
    private long _clock;

    /// <summary>The versions compiled so far and kept.</summary>
    public int Count => _cache.Count;

    /// <summary>The hex SHA-256 of a script body (UTF-8), the key of its compiled form and of the audit.</summary>
    public static string Sha256Of(string body) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body ?? throw new ArgumentNullException(nameof(body)))));

    internal CompiledScript Compile(string name, string body, string? sha256 = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        sha256 ??= Sha256Of(body);
        var now = Interlocked.Increment(ref _clock);
        if (_cache.TryGetValue(sha256, out var hit))
        {
            hit.Used = now;
            return hit.Script;
        }

        var compiled = Parse(name, body, sha256);
        if (_cache.Count >= limits.CompiledCacheSize)
        {
            Evict();
        }

        _cache[sha256] = new Entry(compiled) { Used = now };
        return compiled;
    }

    private CompiledScript Parse(string name, string body, string sha256)
    {
        if (body.Length > limits.MaxResultChars * 4)
        {
            return CompiledScript.Failed(name, sha256, new ScriptFault(ScriptFaultCodes.Error, $"The script is {body.Length} characters long; at most {limits.MaxResultChars * 4} are accepted.", name));
        }

        try
        {
            // The closing brace goes on a line of its own so that a trailing line comment does not swallow it.
            var program = Engine.PrepareScript("(function () {\n" + body + "\n})()", source: name, strict: true);
            return CompiledScript.Compiled(name, sha256, program);
        }
        catch (ScriptPreparationException e)
        {
            return CompiledScript.Failed(name, sha256, new ScriptFault(ScriptFaultCodes.Error, "The script does not compile: " + (e.InnerException?.Message ?? e.Message), name));
        }
    }

    // Drops the least recently used quarter: rare (the cache holds every live version of a fleet's scripts).
    private void Evict()
    {
        var victims = _cache.OrderBy(e => e.Value.Used).Take(Math.Max(1, _cache.Count / 4)).Select(e => e.Key).ToList();
        foreach (var key in victims)
        {
            _cache.TryRemove(key, out _);
        }
    }

    private sealed class Entry(CompiledScript script)
    {
        public CompiledScript Script { get; } = script;

        public long Used { get; set; }
    }
}
