using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PestWorkflows.Host.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Retention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "RetentionYears",
                table: "schools",
                type: "INTEGER",
                nullable: false,
                defaultValue: 2); // RetentionPeriod.DefaultYears: existing schools keep cases two years after closing

            migrationBuilder.AddColumn<long>(
                name: "AnonymisedAt",
                table: "cases",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "GroupId",
                table: "case_pupils",
                type: "TEXT",
                nullable: true);

            // The cases reported before this migration: the pupil's group now is the best snapshot there is.
            migrationBuilder.Sql("UPDATE case_pupils SET \"GroupId\" = (SELECT p.\"GroupId\" FROM pupils p WHERE p.\"Id\" = case_pupils.\"PupilId\");");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RetentionYears",
                table: "schools");

            migrationBuilder.DropColumn(
                name: "AnonymisedAt",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "GroupId",
                table: "case_pupils");
        }
    }
}
