using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;

namespace PestWorkflows.Host.Email;

/// <summary>The .ics of an invitation: one event in the school's time zone, which any agenda can add.</summary>
public static class CalendarInvite
{
    public const string FileName = "uitnodiging.ics";
    public const string ContentType = "text/calendar; method=PUBLISH; charset=utf-8";

    /// <param name="uid">Stable per invitation and recipient, so adding it twice updates one event.</param>
    public static EmailAttachment Create(string uid, DateTime localStart, string timeZoneId, TimeSpan duration, string summary, string? location, string description, DateTimeOffset stamp)
    {
        var start = new CalDateTime(localStart, timeZoneId);
        var calendar = new Calendar { Method = "PUBLISH" };
        calendar.AddTimeZone(new VTimeZone(timeZoneId));
        calendar.Events.Add(new CalendarEvent
        {
            Uid = uid,
            Summary = summary,
            Description = description,
            Location = location,
            Start = start,
            End = start.Add(Duration.FromTimeSpanExact(duration)),
            DtStamp = new CalDateTime(stamp.UtcDateTime, "UTC"),
        });
        var text = new CalendarSerializer().SerializeToString(calendar) ?? "";
        return new EmailAttachment { FileName = FileName, ContentType = ContentType, Content = System.Text.Encoding.UTF8.GetBytes(text) };
    }
}
