using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Palisade.Tests;

/// <summary>
/// Log event ids name one message each: operators filter and alert on them, so two different messages under one id
/// make an alert fire on the wrong thing. Every [LoggerMessage] of the shipped assemblies (the <c>palisade</c>
/// executable and the Palisade assemblies it loads) is read by reflection.
/// </summary>
public sealed class LogEventIdTests
{
    [Fact]
    public void No_two_different_log_messages_share_an_event_id()
    {
        var messages = Shipped()
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Select(m => (Where: t.FullName + "." + m.Name, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>())))
            .Where(m => m.Attribute is { EventId: >= 0 })
            .Select(m => (m.Where, m.Attribute!.EventId, m.Attribute.Message))
            .ToList();

        // The reflection found the logging it is meant to check (a broken walk would pass with nothing).
        Assert.True(messages.Count > 40, $"only {messages.Count} [LoggerMessage] methods found");
        Assert.Contains(messages, m => m.Where.StartsWith("Palisade.Acs.", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Where.StartsWith("Palisade.Server.", StringComparison.Ordinal));

        var clashes = messages.GroupBy(m => m.EventId)
            .Where(g => g.Select(m => m.Message).Distinct(StringComparer.Ordinal).Count() > 1)
            .Select(g => $"{g.Key}: " + string.Join("; ", g.Select(m => $"{m.Where} \"{m.Message}\"")))
            .ToList();
        Assert.True(clashes.Count == 0, "Event ids shared by different messages:\n" + string.Join('\n', clashes));
    }

    // The executable's assembly and every Palisade assembly it references, directly or not.
    private static List<Assembly> Shipped()
    {
        var found = new Dictionary<string, Assembly>(StringComparer.OrdinalIgnoreCase);
        var next = new Queue<AssemblyName>([new AssemblyName("palisade")]);
        while (next.TryDequeue(out var name))
        {
            if (found.ContainsKey(name.Name!))
            {
                continue;
            }

            var assembly = Assembly.Load(name);
            found[name.Name!] = assembly;
            foreach (var reference in assembly.GetReferencedAssemblies().Where(r => r.Name!.StartsWith("Palisade", StringComparison.OrdinalIgnoreCase)))
            {
                next.Enqueue(reference);
            }
        }

        Assert.Contains("Palisade.Acs", found.Keys);
        return [.. found.Values];
    }
}
