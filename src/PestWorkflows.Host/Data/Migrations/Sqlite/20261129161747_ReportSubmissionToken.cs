using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PestWorkflows.Host.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReportSubmissionToken : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SubmissionToken",
                table: "cases",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_cases_ReporterId_SubmissionToken",
                table: "cases",
                columns: new[] { "ReporterId", "SubmissionToken" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_ReporterId_SubmissionToken",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "SubmissionToken",
                table: "cases");
        }
    }
}
