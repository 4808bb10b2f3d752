using PestWorkflows.Host.Shared;

namespace PestWorkflows.Host.Tests;

/// <summary>The Dutch school year: 1 August to 31 July, Amsterdam time.</summary>
public sealed class SchoolYearTests
{
    private static DateTimeOffset Amsterdam(int y, int m, int d, int h, int min) =>
        new(new DateTime(y, m, d, h, min, 0), TimeSpan.FromHours(2)); // summer time

    [Fact]
    public void A_case_at_half_past_eleven_on_31_July_belongs_to_the_old_year_one_at_half_past_midnight_to_the_new()
    {
        Assert.Equal("2025-2026", SchoolYear.Of(Amsterdam(2026, 7, 31, 23, 30)).ToString());
        Assert.Equal("2026-2027", SchoolYear.Of(Amsterdam(2026, 8, 1, 0, 30)).ToString());
        // Both are 31 July in UTC: the UTC date alone would put them in the same year.
        Assert.Equal(31, Amsterdam(2026, 8, 1, 0, 30).UtcDateTime.Day);
    }

    [Fact]
    public void The_bounds_are_Amsterdam_midnight_on_1_August_in_UTC()
    {
        var year = new SchoolYear(2026);
        Assert.Equal(new DateTimeOffset(2026, 7, 31, 22, 0, 0, TimeSpan.Zero), year.StartUtc);
        Assert.Equal(new DateTimeOffset(2027, 7, 31, 22, 0, 0, TimeSpan.Zero), year.EndUtc);
        Assert.Equal(TimeSpan.Zero, year.StartUtc.Offset);
        Assert.True(year.Contains(year.StartUtc));
        Assert.False(year.Contains(year.EndUtc));
        Assert.False(year.Contains(Amsterdam(2026, 7, 31, 23, 59)));
        Assert.True(year.Contains(new DateTimeOffset(2027, 1, 15, 12, 0, 0, TimeSpan.Zero))); // winter time inside
    }

    [Theory]
    [InlineData("2026-2027", true)]
    [InlineData(" 2026-2027 ", true)]
    [InlineData("2026-2028", false)]
    [InlineData("2026/2027", false)]
    [InlineData("26-27", false)]
    [InlineData("2026", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("+2026-2027", false)]
    public void Only_two_consecutive_four_digit_years_are_a_school_year(string? text, bool valid)
    {
        Assert.Equal(valid, SchoolYear.TryParse(text, out var year));
        if (valid) Assert.Equal(2026, year.StartYear);
    }
}
