namespace PestWorkflows.Host.Security;

/// <summary>
/// <c>RateLimits</c>: how often the doors that guessers and scripts knock on may be used. The defaults are
/// far above what a school does (a whole school signing in at 8:30 behind one address, a teacher
/// reporting a busy playground); a bench that reports many signals as one person raises <c>Reports</c>.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Sign-in (page, code page, <c>POST /api/auth/login</c>, and starting one through the school's identity provider), per client address.</summary>
    public RateLimitRule SignIn { get; set; } = new() { PermitLimit = 100, Window = TimeSpan.FromMinutes(5) };

    /// <summary>Forgot and reset password, per client address.</summary>
    public RateLimitRule PasswordReset { get; set; } = new() { PermitLimit = 20, Window = TimeSpan.FromMinutes(15) };

    /// <summary>Reporting a signal (page and <c>POST /api/cases</c>), per signed-in person.</summary>
    public RateLimitRule Reports { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(10) };
}
