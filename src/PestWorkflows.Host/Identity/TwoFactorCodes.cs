namespace PestWorkflows.Host.Identity;

/// <summary>Codes as people type them: an app's code with spaces or a dash, a recovery code with spaces.</summary>
public static class TwoFactorCodes
{
    public const int MaxLength = 64;

    /// <summary>How many recovery codes a person gets when setting up.</summary>
    public const int RecoveryCodeCount = 10;

    public static string FromApp(string code) => code.Replace(" ", "").Replace("-", "").Trim();

    public static string Recovery(string code) => code.Replace(" ", "").Trim();
}
