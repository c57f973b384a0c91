using System.Globalization;
using Cronos;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// A preset's schedule, as GenieACS writes it: <c>"DURATION CRON"</c>, a window of DURATION seconds that opens at each
/// time the cron expression names (five fields, minute to day of week, or six with seconds first), in UTC.
/// <c>"3600 0 3 * * 1-5"</c> is 03:00 to 04:00 on week days.
/// </summary>
public sealed class PresetSchedule
{
    /// <summary>The longest window accepted (a year): a longer one is a mistake.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(366);

    private readonly CronExpression _cron;

    private PresetSchedule(TimeSpan duration, CronExpression cron)
    {
        Duration = duration;
        _cron = cron;
    }

    /// <summary>How long each window stays open.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Parses a schedule; the exception's message says what is wrong.</summary>
    /// <exception cref="FormatException">Not a schedule.</exception>
    public static PresetSchedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length is not (6 or 7))
        {
            throw new FormatException("A schedule is a duration in seconds then a cron expression of five fields (minute hour day month weekday) or six (with seconds first), e.g. \"3600 0 3 * * 1-5\".");
        }

        if (!double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds) || seconds <= 0 || seconds > MaxDuration.TotalSeconds)
        {
            throw new FormatException($"The schedule's duration '{parts[0]}' must be a number of seconds above 0 and at most {MaxDuration.TotalSeconds}.");
        }

        try
        {
            var cron = CronExpression.Parse(string.Join(' ', parts[1..]), parts.Length == 7 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            return new PresetSchedule(TimeSpan.FromSeconds(seconds), cron);
        }
        catch (CronFormatException e)
        {
            throw new FormatException("The schedule's cron expression is not valid: " + e.Message, e);
        }
    }

    /// <summary>True when a window is open at <paramref name="now"/>: some time the cron names lies in (now − duration, now].</summary>
    public bool IsOpen(DateTimeOffset now) => OpenedAt(now) is not null;

    /// <summary>
    /// When the window open at <paramref name="now"/> opened (the earliest time the cron names in (now − duration, now]),
    /// or null when none is open. It names the window: what must happen once per window is keyed by it.
    /// </summary>
    public DateTimeOffset? OpenedAt(DateTimeOffset now)
    {
        var from = (now - Duration).UtcDateTime;
        var next = _cron.GetNextOccurrence(from, inclusive: false);
        return next is { } t && t <= now.UtcDateTime ? new DateTimeOffset(t, TimeSpan.Zero) : null;
    }
}
