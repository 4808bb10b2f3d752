using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PestWorkflows.Host.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AnnualReportGroupAtReport : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_case_pupils_AnnualReport",
                table: "case_pupils");

            migrationBuilder.CreateIndex(
                name: "IX_case_pupils_AnnualReport",
                table: "case_pupils",
                columns: new[] { "CaseId", "Role", "GroupId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_case_pupils_AnnualReport",
                table: "case_pupils");

            migrationBuilder.CreateIndex(
                name: "IX_case_pupils_AnnualReport",
                table: "case_pupils",
                columns: new[] { "CaseId", "Role", "PupilId" });
        }
    }
}
